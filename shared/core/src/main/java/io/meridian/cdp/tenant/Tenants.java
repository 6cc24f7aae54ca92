package io.meridian.cdp.tenant;

import java.util.Optional;

/** An immutable, indexed view of a {@link CdpConfig} for the hot path of ingestion. */
public final class Tenants {
  private final CdpConfig config;
  private final WriteKeyResolver resolver;

  public Tenants(CdpConfig config) {
    this.config = config;
    this.resolver = new WriteKeyResolver(config);
  }

  public CdpConfig config() {
    return config;
  }

  public Optional<SourceRef> resolve(String writeKey) {
    return resolver.resolve(writeKey);
  }

  public Optional<TenantConfig> tenant(String id) {
    return config.tenant(id);
  }
}
