package io.meridian.cdp.lake;

import java.io.IOException;
import java.util.Optional;

/**
 * An {@link ObjectStore} that can replace an object only if it is still the version a writer read
 * (compare-and-set; on S3 a {@code PutObject} with {@code If-Match} on the ETag, or {@code
 * If-None-Match: *} for an object that must not exist yet). Writers that share no lock — Lambda
 * instances appending to the audit log — use it so that none silently overwrites another (ADR
 * 0027).
 */
public interface ConditionalWrites {
  /** An object's content and the tag of that version (on S3 its ETag). */
  record Tagged(byte[] content, String tag) {}

  /** The object with its tag, or empty when there is none. */
  Optional<Tagged> getTagged(String key) throws IOException;

  /**
   * Stores {@code content} under {@code key} only if the object is still the version tagged {@code
   * expectedTag}, or, when {@code expectedTag} is null, only if there is no object under {@code
   * key}.
   *
   * @return the new version's tag, or empty when the condition did not hold (another writer came
   *     first); nothing is written then
   */
  Optional<String> putIf(String key, byte[] content, String expectedTag) throws IOException;
}
