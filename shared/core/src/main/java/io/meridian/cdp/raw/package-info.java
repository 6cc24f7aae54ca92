/**
 * The raw zone: envelopes exactly as received, gzip JSON Lines, partitioned by tenant, source, day
 * and hour of receipt. Object names derive from the position of the batch in the stream (spool
 * segment and offset, or Kinesis shard and sequence number), so a retried batch rewrites the same
 * objects instead of adding new ones.
 */
package io.meridian.cdp.raw;
