package io.meridian.cdp.lake;

import java.io.IOException;

/**
 * An {@link ObjectStore} that keeps earlier versions of an object when it is replaced (S3 with
 * versioning). Erasure rewrites a raw, clean or curated object and then destroys its earlier
 * versions (ADR 0012, 0031).
 */
public interface ObjectVersions {
  /**
   * Deletes every version of {@code key} except the current one.
   *
   * @return how many versions were deleted
   */
  int deletePreviousVersions(String key) throws IOException;

  /**
   * Deletes every version of every object under {@code prefix} except the current ones (of an
   * object that was deleted, every version: only its delete marker stays). Erasure destroys the
   * earlier versions of a tenant's curated tables this way: snapshots replaced or deleted before
   * still hold the person (ADR 0031).
   *
   * @return how many versions holding content were deleted (delete markers are not counted)
   */
  int deleteNoncurrentVersions(String prefix) throws IOException;
}
