package io.meridian.cdp.secret;

/**
 * Wraps and unwraps per-tenant data keys (port): AWS KMS ({@code GenerateDataKey} / {@code
 * Decrypt}) on AWS, a key file under the data directory locally. The wrapped form may be stored
 * anywhere (it is useless without the key service); the plaintext key never is.
 */
public interface KeyService {
  /** A fresh 256-bit data key: its plaintext (keep in memory only) and its wrapped form. */
  record DataKey(byte[] plaintext, byte[] wrapped) {}

  /** Generates a data key bound to {@code tenant} (its encryption context). */
  DataKey generateDataKey(String tenant);

  /**
   * The plaintext of a data key {@link #generateDataKey} wrapped for {@code tenant}.
   *
   * @throws IllegalStateException when it cannot be unwrapped (another tenant's key, damaged, the
   *     master key is missing); the message never holds key material
   */
  byte[] decrypt(byte[] wrapped, String tenant);
}
