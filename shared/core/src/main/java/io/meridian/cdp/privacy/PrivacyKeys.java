package io.meridian.cdp.privacy;

import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import io.meridian.cdp.tenant.Ids;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each tenant's privacy key, read through the {@link SecretStore} port, and the keyed hashes made
 * with it (HMAC-SHA256 with a domain label per use, so one key never gives the same hash for two
 * purposes): the suppression list's identifier hashes, erasure request ids and identifier hashes in
 * the audit log, and the signature of erasure reports (ADR 0021). The key is never logged.
 */
public final class PrivacyKeys {
  /** Domain of suppression-list hashes. */
  public static final String SUPPRESSION = "suppression";

  /** Domain of erasure-report signatures. */
  public static final String REPORT = "report";

  /** Domain of request ids and of identifier hashes recorded in the audit log and reports. */
  public static final String REQUEST = "request";

  private final SecretStore secrets;
  private final Function<String, SecretRef> refOf;
  private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

  /**
   * @param refOf where a tenant's key is kept: {@link #localRef} in local mode, {@link #awsRef} on
   *     AWS
   */
  public PrivacyKeys(SecretStore secrets, Function<String, SecretRef> refOf) {
    this.secrets = secrets;
    this.refOf = refOf;
  }

  /** {@code file:privacy-<tenant>}: a file in the local secrets directory. */
  public static SecretRef localRef(String tenant) {
    return new SecretRef("file", "privacy-" + Ids.require("tenant", tenant));
  }

  /**
   * {@code secretsmanager:<prefix>privacy-<tenant>}: a Secrets Manager secret among the
   * deployment's tenant secrets ({@code prefix} such as {@code cdp-prod-tenant/}).
   */
  public static SecretRef awsRef(String prefix, String tenant) {
    return new SecretRef("secretsmanager", prefix + "privacy-" + Ids.require("tenant", tenant));
  }

  public SecretRef ref(String tenant) {
    return refOf.apply(tenant);
  }

  private byte[] key(String tenant) {
    return keys.computeIfAbsent(
        tenant,
        t -> {
          String secret = secrets.secret(refOf.apply(t));
          if (secret.length() < 16) {
            throw new IllegalStateException(
                "privacy key " + refOf.apply(t) + " is shorter than 16 characters");
          }
          return secret.getBytes(StandardCharsets.UTF_8);
        });
  }

  /** Hex HMAC-SHA256 with the tenant's key over the domain and the parts, NUL-separated. */
  public String hmac(String tenant, String domain, String... parts) {
    Mac mac = mac(key(tenant));
    mac.update(domain.getBytes(StandardCharsets.UTF_8));
    for (String p : parts) {
      mac.update((byte) 0);
      mac.update(p.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(mac.doFinal());
  }

  /** Hex HMAC-SHA256 of {@code bytes} in {@code domain}. */
  public String sign(String tenant, String domain, byte[] bytes) {
    Mac mac = mac(key(tenant));
    mac.update(domain.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return HexFormat.of().formatHex(mac.doFinal(bytes));
  }

  /** Whether {@code signature} (hex) is {@link #sign}'s, compared in constant time. */
  public boolean verify(String tenant, String domain, byte[] bytes, String signature) {
    byte[] expected = HexFormat.of().parseHex(sign(tenant, domain, bytes));
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, given);
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
