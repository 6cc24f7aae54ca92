package io.meridian.cdp.local;

import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A directory as an object store. Keys map to relative paths; a write goes to a hidden temporary
 * file in the target directory, is fsync'd, then renamed atomically over the target, so readers
 * never see a partial object and a crash leaves the old object or the new one.
 */
public final class LocalFileObjectStore implements ObjectStore {
  private static final String TMP_PREFIX = ".tmp-";
  private final Path root;

  public LocalFileObjectStore(Path root) throws IOException {
    this.root = Files.createDirectories(root).toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The file of {@code key}; refuses keys that would escape the root. */
  public Path path(String key) {
    if (key.isEmpty()
        || key.startsWith("/")
        || key.contains("\\")
        || key.contains("\0")
        || key.endsWith("/")) {
      throw new IllegalArgumentException("invalid object key: " + key);
    }
    for (String part : key.split("/")) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.startsWith(TMP_PREFIX)) {
        throw new IllegalArgumentException("invalid object key: " + key);
      }
    }
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("invalid object key: " + key);
    }
    return p;
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    Path target = path(key);
    Path dir = Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(dir, TMP_PREFIX, ".part");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      moveAtomically(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void putFile(String key, Path file) throws IOException {
    Path target = path(key);
    Path dir = Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(dir, TMP_PREFIX, ".part");
    try {
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      moveAtomically(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void moveAtomically(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(path(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash)).normalize();
    if (!start.startsWith(root) || !Files.isDirectory(start)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!file.getFileName().toString().startsWith(TMP_PREFIX)) {
              String key = root.relativize(file).toString().replace('\\', '/');
              if (key.startsWith(prefix)) {
                keys.add(key);
              }
            }
            return FileVisitResult.CONTINUE;
          }
        });
    Collections.sort(keys);
    return keys;
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(path(key));
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }
}
