package io.meridian.cdp.tenant;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole of {@code cdp.yaml}: the tenants this deployment serves. */
public record CdpConfig(
    @JsonProperty("version") Integer version, @JsonProperty("tenants") List<TenantConfig> tenants) {

  public CdpConfig {
    version = version == null ? 1 : version;
    if (version != 1) {
      throw new IllegalArgumentException(
          "config version " + version + " is not supported by this release; expected 1");
    }
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    Map<String, String> keyOwner = new HashMap<>();
    for (TenantConfig t : tenants) {
      if (tenants.stream().filter(o -> o.id().equals(t.id())).count() > 1) {
        throw new IllegalArgumentException("tenant '" + t.id() + "' is declared twice");
      }
      for (SourceConfig s : t.sources()) {
        for (String h : s.writeKeyHashes()) {
          String owner = t.id() + "/" + s.id();
          String previous = keyOwner.putIfAbsent(h, owner);
          if (previous != null && !previous.equals(owner)) {
            throw new IllegalArgumentException(
                "one write key is used by both "
                    + previous
                    + " and "
                    + owner
                    + "; a write key must map to exactly one tenant and source");
          }
        }
      }
    }
  }

  public static CdpConfig empty() {
    return new CdpConfig(1, List.of());
  }

  public Optional<TenantConfig> tenant(String id) {
    return tenants.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** This config with {@code tenant} added, or replacing the tenant of the same id. */
  public CdpConfig withTenant(TenantConfig tenant) {
    List<TenantConfig> next = new ArrayList<>();
    boolean replaced = false;
    for (TenantConfig t : tenants) {
      if (t.id().equals(tenant.id())) {
        next.add(tenant);
        replaced = true;
      } else {
        next.add(t);
      }
    }
    if (!replaced) {
      next.add(tenant);
    }
    return new CdpConfig(version, next);
  }
}
