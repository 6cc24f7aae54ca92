package io.meridian.cdp.tenant;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Resolves a presented write key to the one tenant and source it belongs to. */
public final class WriteKeyResolver {
  private final Map<String, SourceRef> byHash;

  public WriteKeyResolver(CdpConfig config) {
    Map<String, SourceRef> map = new HashMap<>();
    for (TenantConfig t : config.tenants()) {
      for (SourceConfig s : t.sources()) {
        for (String h : s.writeKeyHashes()) {
          map.put(h, new SourceRef(t.id(), s.id()));
        }
      }
    }
    this.byHash = Map.copyOf(map);
  }

  /** The owner of {@code writeKey}, or empty when the key is unknown or blank. */
  public Optional<SourceRef> resolve(String writeKey) {
    if (writeKey == null || writeKey.isBlank() || writeKey.length() > 256) {
      return Optional.empty();
    }
    return Optional.ofNullable(byHash.get(WriteKeys.hash(writeKey)));
  }
}
