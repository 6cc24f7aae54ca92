package io.meridian.cdp.lake;

import java.io.IOException;

/**
 * An {@link ObjectStore} that keeps earlier versions of an object when it is replaced (S3 with
 * versioning). Erasure rewrites a raw object and then destroys its earlier versions (ADR 0012).
 */
public interface ObjectVersions {
  /**
   * Deletes every version of {@code key} except the current one.
   *
   * @return how many versions were deleted
   */
  int deletePreviousVersions(String key) throws IOException;
}
