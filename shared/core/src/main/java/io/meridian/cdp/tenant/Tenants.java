package io.meridian.cdp.tenant;

import java.util.Optional;

/** An immutable, indexed view of a {@link CdpConfig} for the hot path of ingestion. */
public final class Tenants {
  private final CdpConfig config;
  private final WriteKeyResolver resolver;
  private final ReadKeys readKeys;

  public Tenants(CdpConfig config) {
    this.config = config;
    this.resolver = new WriteKeyResolver(config);
    this.readKeys = new ReadKeys(config);
  }

  public CdpConfig config() {
    return config;
  }

  public Optional<SourceRef> resolve(String writeKey) {
    return resolver.resolve(writeKey);
  }

  /** The tenant a profile API read key belongs to. */
  public Optional<String> readerOf(String readKey) {
    return readKeys.tenant(readKey);
  }

  public Optional<TenantConfig> tenant(String id) {
    return config.tenant(id);
  }
}
