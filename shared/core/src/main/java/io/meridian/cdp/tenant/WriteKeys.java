package io.meridian.cdp.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generates write keys and hashes them for storage. Keys carry 192 random bits, so an unsalted
 * SHA-256 is a safe, lookup-friendly digest (the same reasoning as API tokens; see ADR 0003).
 */
public final class WriteKeys {
  private static final String HASH_PREFIX = "sha256:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WriteKeys() {}

  /**
   * A new random write key, URL-safe, prefixed {@code wk_} so it is recognisable in a leak scan.
   */
  public static String generate() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return "wk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The stored form of a write key: {@code sha256:<hex>}. */
  public static String hash(String writeKey) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HASH_PREFIX
          + HexFormat.of().formatHex(digest.digest(writeKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  /** Whether {@code stored} looks like a hash produced by {@link #hash}. */
  public static boolean isHash(String stored) {
    return stored != null
        && stored.startsWith(HASH_PREFIX)
        && stored.length() == HASH_PREFIX.length() + 64
        && stored
            .substring(HASH_PREFIX.length())
            .chars()
            .allMatch(c -> Character.digit(c, 16) >= 0);
  }
}
