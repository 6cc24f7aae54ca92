package io.meridian.cdp.local.activation;

import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Secrets in local mode: {@code env:NAME} reads an environment variable, {@code file:NAME} reads
 * {@code <data>/secrets/NAME}, which must be readable by its owner only (mode 0600, as {@link #put}
 * writes it). Trailing line breaks are dropped. {@code secretsmanager:} references exist on AWS
 * only. Error messages name the reference, never the value.
 */
public final class LocalSecretStore implements SecretStore {
  private final Path dir;
  private final Map<String, String> environment;

  /**
   * @param dir the secrets directory, normally {@code <data>/secrets}
   * @param environment the environment variables to read {@code env:} references from
   */
  public LocalSecretStore(Path dir, Map<String, String> environment) {
    this.dir = dir;
    this.environment = Map.copyOf(environment);
  }

  /** The store of a data directory, reading the process environment. */
  public static LocalSecretStore forDataDir(Path data) {
    return new LocalSecretStore(data.resolve("secrets"), System.getenv());
  }

  @Override
  public String secret(SecretRef ref) {
    String value =
        switch (ref.scheme()) {
          case "env" -> {
            String v = environment.get(ref.name());
            if (v == null) {
              throw new IllegalStateException(
                  "secret " + ref + ": environment variable " + ref.name() + " is not set");
            }
            yield v;
          }
          case "file" -> readFile(ref);
          default ->
              throw new IllegalStateException(
                  "secret "
                      + ref
                      + ": "
                      + ref.scheme()
                      + " secrets are available on AWS only;"
                      + " use env: or file: in local mode");
        };
    String stripped = value.replaceAll("[\r\n]+$", "");
    if (stripped.isEmpty()) {
      throw new IllegalStateException("secret " + ref + " is empty");
    }
    return stripped;
  }

  private String readFile(SecretRef ref) {
    Path file = dir.resolve(ref.name());
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "secret " + ref + ": no file " + file + " (create it with mode 0600)");
    }
    try {
      PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      if (posix != null) {
        Set<PosixFilePermission> perms = posix.readAttributes().permissions();
        for (PosixFilePermission p : perms) {
          if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
            throw new IllegalStateException(
                "secret "
                    + ref
                    + ": "
                    + file
                    + " is accessible to group or others ("
                    + PosixFilePermissions.toString(perms)
                    + "); chmod 600 it");
          }
        }
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("secret " + ref + ": could not read " + file, e);
    }
  }

  /** Writes {@code file:name} with mode 0600 (atomically), creating the directory (0700). */
  public void put(String name, String value) throws IOException {
    SecretRef ref = new SecretRef("file", name);
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                ".secret",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, ".secret", ".tmp");
    try {
      Files.writeString(tmp, value, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp,
            dir.resolve(ref.name()),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(ref.name()), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
