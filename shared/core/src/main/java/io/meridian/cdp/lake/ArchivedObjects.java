package io.meridian.cdp.lake;

import java.io.IOException;

/**
 * An {@link ObjectStore} whose objects can be archived and must be restored before they are read
 * (S3 with lifecycle transitions to Deep Archive, ADR 0012): {@link ObjectStore#get} throws {@link
 * ArchivedObjectException} for them. Erasure asks for restored copies of the raw objects it must
 * rewrite and waits for them (ADR 0012).
 */
public interface ArchivedObjects {
  /**
   * Asks for a temporary readable copy of archived object {@code key}; asking again while a restore
   * is under way, or once it is done, changes nothing. The copy becomes readable hours later (Deep
   * Archive: within 12 hours at the standard tier).
   */
  void requestRestore(String key) throws IOException;
}
