package io.meridian.cdp.lake;

import java.io.IOException;

/**
 * The object exists but is archived (on S3: in Glacier Flexible Retrieval or Deep Archive) and
 * cannot be read until a restored copy is made; see {@link ArchivedObjects}.
 */
public final class ArchivedObjectException extends IOException {
  private final String key;

  public ArchivedObjectException(String key, Throwable cause) {
    super("object " + key + " is archived: restore it before reading it", cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
