/**
 * The data lake as the domain sees it: the {@link io.meridian.cdp.lake.ObjectStore} port (a
 * directory locally, S3 on AWS) and {@link io.meridian.cdp.lake.LakeLayout}, the one place that
 * knows how zones, tables and partitions map to object keys.
 */
package io.meridian.cdp.lake;
