package io.meridian.cdp.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only {@link ObjectStore} in memory, with {@link ConditionalWrites} (each put makes a new
 * tag, as S3 makes a new ETag); passes {@link ObjectStoreContractTest}.
 */
public final class InMemoryObjectStore implements ObjectStore, ConditionalWrites {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
  private final Map<String, String> tags = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();

  @Override
  public synchronized void put(String key, byte[] content) {
    validate(key);
    objects.put(key, content.clone());
    tags.put(key, "v" + versions.incrementAndGet());
  }

  @Override
  public synchronized Optional<Tagged> getTagged(String key) {
    validate(key);
    byte[] b = objects.get(key);
    return b == null ? Optional.empty() : Optional.of(new Tagged(b.clone(), tags.get(key)));
  }

  @Override
  public synchronized Optional<String> putIf(String key, byte[] content, String expectedTag) {
    validate(key);
    if (!java.util.Objects.equals(tags.get(key), expectedTag)) {
      return Optional.empty();
    }
    put(key, content);
    return Optional.of(tags.get(key));
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
  public synchronized void delete(String key) {
    validate(key);
    objects.remove(key);
    tags.remove(key);
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
