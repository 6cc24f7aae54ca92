package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The signed completion report of an erasure: JSON with the request id, tenant, the identifier's
 * type and keyed hash (never its value), times, and what was removed as counts and object keys,
 * plus {@code signature}: HMAC-SHA256 with the tenant's privacy key over the canonical JSON of the
 * report without {@code signature} (keys sorted at every level, no whitespace, UTF-8). ADR 0021.
 */
public final class ErasureReport {
  public static final String ALGORITHM = "HMAC-SHA256";

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true).build();

  private ErasureReport() {}

  /** The canonical bytes of {@code report} without its signature. */
  static byte[] canonical(JsonNode report) {
    ObjectNode copy = report.deepCopy();
    copy.remove("signature");
    try {
      return CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(copy, Object.class));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize an erasure report", e);
    }
  }

  /** {@code report} with its signature added. */
  public static ObjectNode sign(PrivacyKeys keys, ObjectNode report) {
    String tenant = report.path("tenant").asText();
    ObjectNode signed = report.deepCopy();
    signed.remove("signature");
    ObjectNode s = signed.putObject("signature");
    s.put("algorithm", ALGORITHM);
    s.put("key", keys.ref(tenant).toString());
    s.put("value", keys.sign(tenant, PrivacyKeys.REPORT, canonical(report)));
    return signed;
  }

  /** Outcome of checking a report. */
  public record Verification(boolean valid, String tenant, String requestId, String problem) {}

  /** Checks the signature of a report read from a file. */
  public static Verification verify(PrivacyKeys keys, byte[] json) {
    JsonNode report;
    try {
      report = CANONICAL.readTree(json);
    } catch (IOException e) {
      return new Verification(false, "", "", "not JSON");
    }
    if (report == null || !report.isObject()) {
      return new Verification(false, "", "", "not a JSON object");
    }
    String tenant = report.path("tenant").asText("");
    String request = report.path("requestId").asText("");
    JsonNode s = report.get("signature");
    if (tenant.isEmpty() || request.isEmpty()) {
      return new Verification(false, tenant, request, "tenant or requestId missing");
    }
    if (s == null || !ALGORITHM.equals(s.path("algorithm").asText())) {
      return new Verification(false, tenant, request, "no " + ALGORITHM + " signature");
    }
    boolean ok =
        keys.verify(tenant, PrivacyKeys.REPORT, canonical(report), s.path("value").asText(""));
    return new Verification(
        ok,
        tenant,
        request,
        ok ? "" : "signature does not match: the report was changed or signed with another key");
  }
}
