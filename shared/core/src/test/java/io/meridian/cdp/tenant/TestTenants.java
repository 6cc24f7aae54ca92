package io.meridian.cdp.tenant;

import java.util.List;

/** Tenant configurations for tests. */
public final class TestTenants {
  private TestTenants() {}

  /** The Authorization header SDKs send: HTTP Basic with the write key as user name. */
  public static String basicAuth(String writeKey) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((writeKey + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** One tenant with one source that accepts {@code writeKey}; defaults everywhere else. */
  public static Tenants single(String tenant, String source, String writeKey) {
    return new Tenants(
        CdpConfig.empty()
            .withTenant(
                new TenantConfig(
                    tenant,
                    null,
                    null,
                    null,
                    List.of(new SourceConfig(source, List.of(WriteKeys.hash(writeKey)))),
                    null,
                    null,
                    null,
                    null)));
  }
}
