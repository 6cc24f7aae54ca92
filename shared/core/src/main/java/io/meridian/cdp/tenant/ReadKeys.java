package io.meridian.cdp.tenant;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Read keys authenticate the profile API for one tenant. They are separate from write keys: a write
 * key ships inside websites and apps and is public in practice, so it must never read profiles.
 * Stored hashed like write keys (ADR 0003); recognisable by their {@code rk_} prefix.
 */
public final class ReadKeys {
  private final Map<String, String> tenantByHash;

  public ReadKeys(CdpConfig config) {
    Map<String, String> map = new HashMap<>();
    for (TenantConfig t : config.tenants()) {
      for (String h : t.readKeyHashes()) {
        String previous = map.putIfAbsent(h, t.id());
        if (previous != null && !previous.equals(t.id())) {
          throw new IllegalArgumentException(
              "one read key is used by tenants '"
                  + previous
                  + "' and '"
                  + t.id()
                  + "'; a read key must map to exactly one tenant");
        }
      }
    }
    this.tenantByHash = Map.copyOf(map);
  }

  /** A new random read key. */
  public static String generate() {
    return "rk_" + WriteKeys.generate().substring("wk_".length());
  }

  /** The tenant {@code readKey} reads, or empty when the key is unknown or blank. */
  public Optional<String> tenant(String readKey) {
    if (readKey == null || readKey.isBlank() || readKey.length() > 256) {
      return Optional.empty();
    }
    return Optional.ofNullable(tenantByHash.get(WriteKeys.hash(readKey)));
  }
}
