package io.meridian.cdp.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One tenant's hash and token functions (ADR 0020).
 *
 * <ul>
 *   <li>{@link #hash}: {@code hmac_} + hex HMAC-SHA256 of the UTF-8 value with the tenant's secret.
 *   <li>{@link #tokenize}: {@code tok_} + base64url(IV ‖ AES-256-GCM ciphertext and tag). The
 *       12-byte IV is the HMAC-SHA256 of the value under a key derived from the data key (a
 *       synthetic IV, as in SIV), so equal values give equal tokens and joins work; a token reveals
 *       nothing but equality, and any change to it fails authentication.
 * </ul>
 *
 * Thread-safe.
 */
public final class PiiCodec {
  /** Prefix of hashed values. */
  public static final String HASH_PREFIX = "hmac_";

  /** Prefix of tokens. */
  public static final String TOKEN_PREFIX = "tok_";

  private static final Pattern HASHED = Pattern.compile("hmac_[0-9a-f]{64}");
  private static final Pattern TOKEN = Pattern.compile("tok_[A-Za-z0-9_-]{38,}");
  private static final byte[] AAD = "meridian-cdp pii token v1".getBytes(StandardCharsets.UTF_8);
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec hashKey;
  private final SecretKeySpec encKey;
  private final SecretKeySpec ivKey;

  /**
   * @param hashSecret the tenant's HMAC secret, or null when its policy hashes nothing
   * @param dataKey the tenant's 256-bit data key, or null when its policy tokenizes nothing
   */
  public PiiCodec(byte[] hashSecret, byte[] dataKey) {
    this.hashKey = hashSecret == null ? null : new SecretKeySpec(hashSecret, "HmacSHA256");
    if (dataKey != null) {
      if (dataKey.length != 32) {
        throw new IllegalArgumentException("a data key has 32 bytes");
      }
      SecretKeySpec master = new SecretKeySpec(dataKey, "HmacSHA256");
      this.encKey = new SecretKeySpec(hmac(master, "encryption"), "AES");
      this.ivKey = new SecretKeySpec(hmac(master, "synthetic-iv"), "HmacSHA256");
    } else {
      this.encKey = null;
      this.ivKey = null;
    }
  }

  /** Whether {@code value} is a hash or token this class makes (identity accepts it as it is). */
  public static boolean isProtected(String value) {
    return value != null
        && (value.startsWith(HASH_PREFIX) && HASHED.matcher(value).matches()
            || value.startsWith(TOKEN_PREFIX) && TOKEN.matcher(value).matches());
  }

  /** Whether {@code value} has the form of a token. */
  public static boolean isToken(String value) {
    return value != null && TOKEN.matcher(value).matches();
  }

  /** {@code hmac_} and the hex HMAC-SHA256 of {@code value}. */
  public String hash(String value) {
    if (hashKey == null) {
      throw new IllegalStateException("this tenant has no HMAC secret (privacy.hashSecret)");
    }
    return HASH_PREFIX + HexFormat.of().formatHex(hmac(hashKey, value));
  }

  /** The deterministic token of {@code value}. */
  public String tokenize(String value) {
    requireDataKey();
    byte[] plain = value.getBytes(StandardCharsets.UTF_8);
    byte[] iv = Arrays.copyOf(mac(ivKey, plain), IV_BYTES);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, encKey, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(AAD);
      byte[] sealed = c.doFinal(plain);
      ByteBuffer out = ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed);
      return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  /**
   * The value {@code token} stands for.
   *
   * @throws IllegalArgumentException when it is not a token of this tenant's data key (malformed,
   *     altered, or made with another key)
   */
  public String detokenize(String token) {
    requireDataKey();
    if (!isToken(token)) {
      throw new IllegalArgumentException("not a token: tokens look like tok_ and base64url text");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token.substring(TOKEN_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a token: its text is not base64url", e);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE,
          encKey,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOf(bytes, IV_BYTES)));
      c.updateAAD(AAD);
      byte[] plain = c.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new IllegalArgumentException(
          "the token does not authenticate: altered, or made with another tenant's key", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the token cannot be decrypted: " + e.getMessage(), e);
    }
  }

  private void requireDataKey() {
    if (encKey == null) {
      throw new IllegalStateException("this tenant has no data key (its policy tokenizes nothing)");
    }
  }

  private static byte[] hmac(SecretKeySpec key, String value) {
    return mac(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] mac(SecretKeySpec key, byte[] value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(value);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }
}
