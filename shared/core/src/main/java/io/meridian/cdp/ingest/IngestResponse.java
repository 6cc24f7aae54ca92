package io.meridian.cdp.ingest;

import java.util.Map;

/**
 * What the API answers, and what it counted (for metrics; ids and counts only).
 *
 * @param status HTTP status
 * @param body JSON body
 * @param headers extra headers such as {@code Retry-After}
 * @param stored number of events made durable by this request
 * @param tenant the tenant the request was authenticated as, or null when it was refused before
 * @param invalid of the stored events, those with a problem (quarantined by raw-to-clean)
 * @param suppressed events answered as accepted but never stored (erased people, ADR 0021)
 */
public record IngestResponse(
    int status,
    String body,
    Map<String, String> headers,
    int stored,
    String tenant,
    int invalid,
    int suppressed) {
  public IngestResponse {
    headers = Map.copyOf(headers);
  }

  /** An answer that counted nothing for a tenant (refusals, preflight). */
  public IngestResponse(int status, String body, Map<String, String> headers, int stored) {
    this(status, body, headers, stored, null, 0, 0);
  }

  /** The same answer with other headers. */
  IngestResponse withHeaders(Map<String, String> other) {
    return new IngestResponse(status, body, other, stored, tenant, invalid, suppressed);
  }
}
