package io.meridian.cdp.local;

import io.meridian.cdp.secret.KeyService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Local mode's {@link KeyService}: one 256-bit master key in a file under the data directory
 * ({@code keys/master.key}, created on first use with owner-only permissions, refused when others
 * can read it), standing in for a KMS key. Data keys are wrapped with AES-256-GCM under a random
 * IV, the tenant id as associated data (a key wrapped for one tenant does not unwrap for another).
 */
public final class LocalKeyService implements KeyService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int IV_BYTES = 12;

  private final Path keyFile;
  private SecretKeySpec master;

  public LocalKeyService(Path keyFile) {
    this.keyFile = keyFile;
  }

  /** The key service of a data directory: {@code <data>/keys/master.key}. */
  public static LocalKeyService forDataDir(Path data) {
    return new LocalKeyService(data.resolve("keys").resolve("master.key"));
  }

  @Override
  public DataKey generateDataKey(String tenant) {
    byte[] plain = new byte[32];
    RANDOM.nextBytes(plain);
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, iv, tenant);
      byte[] sealed = c.doFinal(plain);
      return new DataKey(
          plain, ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] decrypt(byte[] wrapped, String tenant) {
    if (wrapped.length <= IV_BYTES) {
      throw new IllegalStateException("the wrapped data key of tenant '" + tenant + "' is damaged");
    }
    try {
      Cipher c = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(wrapped, IV_BYTES), tenant);
      return c.doFinal(wrapped, IV_BYTES, wrapped.length - IV_BYTES);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException(
          "the data key of tenant '"
              + tenant
              + "' does not unwrap with "
              + keyFile
              + " (another master key, another tenant's key, or damaged)",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  private Cipher cipher(int mode, byte[] iv, String tenant) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, master(), new GCMParameterSpec(128, iv));
    c.updateAAD(("tenant:" + tenant).getBytes(StandardCharsets.UTF_8));
    return c;
  }

  private synchronized SecretKeySpec master() {
    if (master == null) {
      try {
        master = new SecretKeySpec(loadOrCreate(), "AES");
      } catch (IOException e) {
        throw new UncheckedIOException("the local master key " + keyFile + " cannot be read", e);
      }
    }
    return master;
  }

  private byte[] loadOrCreate() throws IOException {
    if (!Files.exists(keyFile)) {
      Files.createDirectories(keyFile.getParent());
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      try {
        Files.write(
            Files.createFile(
                keyFile,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
            Base64.getEncoder().encode(key),
            StandardOpenOption.WRITE);
        return key;
      } catch (FileAlreadyExistsException e) {
        // another process created it first: read theirs
      }
    }
    PosixFileAttributeView posix =
        Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> perms = posix.readAttributes().permissions();
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new IllegalStateException(
              keyFile
                  + " can be read by others ("
                  + PosixFilePermissions.toString(perms)
                  + "); make it owner-only: chmod 600 "
                  + keyFile);
        }
      }
    }
    byte[] key = Base64.getDecoder().decode(Files.readString(keyFile).strip());
    if (key.length != 32) {
      throw new IllegalStateException(keyFile + " does not hold a 256-bit key");
    }
    return key;
  }
}
