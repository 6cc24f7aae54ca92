package io.meridian.cdp.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A test-only {@link ObjectStore} in memory; passes {@link ObjectStoreContractTest}. */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public void put(String key, byte[] content) {
    validate(key);
    objects.put(key, content.clone());
  }

  @Override
  public void putFile(String key, Path file) throws IOException {
    put(key, Files.readAllBytes(file));
  }

  @Override
  public Optional<byte[]> get(String key) {
    validate(key);
    byte[] b = objects.get(key);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  @Override
  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    for (String k : objects.tailMap(prefix, true).keySet()) {
      if (!k.startsWith(prefix)) {
        break;
      }
      keys.add(k);
    }
    return keys;
  }

  @Override
  public boolean exists(String key) {
    validate(key);
    return objects.containsKey(key);
  }

  @Override
  public void delete(String key) {
    validate(key);
    objects.remove(key);
  }

  private static void validate(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
      throw new IllegalArgumentException("invalid object key: " + key);
    }
    for (String part : key.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid object key: " + key);
      }
    }
  }
}
