package io.meridian.cdp.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.tenant.TenantConfig;

/**
 * Whether a valid call carries an identifier of a person whose data was erased (the tenant's
 * suppression list, docs/PRIVACY.md): such a call is answered as accepted but never stored.
 */
@FunctionalInterface
public interface SuppressionCheck {
  /** Suppresses nothing. */
  SuppressionCheck NONE = (tenant, call) -> false;

  /**
   * @param call the call as stored would be read: batch-level fields merged in
   */
  boolean suppressed(TenantConfig tenant, JsonNode call);
}
