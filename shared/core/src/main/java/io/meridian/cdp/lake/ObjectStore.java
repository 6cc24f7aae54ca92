package io.meridian.cdp.lake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of immutable-by-convention objects addressed by {@code /}-separated keys. Writes
 * are atomic: a reader sees the old object, the new one, or none — never a partial one. Every
 * implementation passes {@code ObjectStoreContractTest}.
 */
public interface ObjectStore {
  /** Stores {@code content} under {@code key}, replacing any object already there. */
  void put(String key, byte[] content) throws IOException;

  /** Stores the file's content under {@code key}; the file is left in place or consumed. */
  void putFile(String key, Path file) throws IOException;

  /** The object's content, or empty when there is none. */
  Optional<byte[]> get(String key) throws IOException;

  /** All keys starting with {@code prefix}, in lexicographic order. */
  List<String> list(String prefix) throws IOException;

  boolean exists(String key) throws IOException;

  /** Removes the object; removing a missing object is not an error. */
  void delete(String key) throws IOException;
}
