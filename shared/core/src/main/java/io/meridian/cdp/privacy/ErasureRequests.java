package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;

/**
 * The AWS entry point's logic, kept out of the Lambda module so the handler stays a few lines: maps
 * an EventBridge {@code Erasure Requested} event (source {@code cdp.privacy}) — as the erase state
 * machine passes it to its task — to {@link Erasure#erase} and the outcome to the task's JSON
 * result. A retry of the task with the same event resumes the same job.
 *
 * <pre>{"source":"cdp.privacy","detail-type":"Erasure Requested","detail":{"tenant":"acme",
 * "identifierType":"email","identifier":"a@example.com","reason":"GDPR-42","requestedBy":"dpo"}}
 * </pre>
 */
public final class ErasureRequests {
  public static final String SOURCE = "cdp.privacy";
  public static final String DETAIL_TYPE = "Erasure Requested";

  private ErasureRequests() {}

  /**
   * @return {@code {"requestId", "status": "erased"|"already_erased"|"not_found", "reportKey"}}, or
   *     a status the erase state machine waits on and calls again: {@code "in_progress"}, {@code
   *     "waiting_for_restore"}, {@code "waiting_for_pipeline"} (with {@code "waitSeconds"})
   * @throws IllegalArgumentException naming what is wrong with the event (a failed task that must
   *     not be retried)
   */
  public static ObjectNode handle(JsonNode event, Tenants tenants, Erasure erasure)
      throws IOException {
    return handle(event, tenants, erasure, Erasure.Budget.UNLIMITED);
  }

  /**
   * Like {@link #handle(JsonNode, Tenants, Erasure)} within {@code budget}: when it runs out, the
   * status is {@code "in_progress"} with {@code "nextStep"}, and the same event handled again
   * resumes the job (the erase state machine loops until the status is no longer {@code
   * in_progress}).
   */
  public static ObjectNode handle(
      JsonNode event, Tenants tenants, Erasure erasure, Erasure.Budget budget) throws IOException {
    if (event == null || !SOURCE.equals(event.path("source").asText())) {
      throw new IllegalArgumentException("not a " + SOURCE + " event");
    }
    if (!DETAIL_TYPE.equals(event.path("detail-type").asText())) {
      throw new IllegalArgumentException(
          "detail-type must be '"
              + DETAIL_TYPE
              + "', not '"
              + event.path("detail-type").asText()
              + "'");
    }
    JsonNode d = event.path("detail");
    String tenantId = required(d, "tenant");
    TenantConfig tenant =
        tenants
            .tenant(tenantId)
            .orElseThrow(() -> new IllegalArgumentException("unknown tenant '" + tenantId + "'"));
    String requestedBy = d.path("requestedBy").asText("");
    Erasure.Outcome outcome =
        erasure.erase(
            tenant,
            required(d, "identifierType"),
            required(d, "identifier"),
            d.path("reason").asText(""),
            "eventbridge:" + (requestedBy.isBlank() ? "unknown" : requestedBy),
            budget);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("requestId", outcome.requestId());
    out.put("tenant", tenant.id());
    if (outcome instanceof Erasure.InProgress p) {
      out.put("status", "in_progress");
      out.put("nextStep", p.nextStep());
    } else if (outcome instanceof Erasure.WaitingForRestore w) {
      out.put("status", "waiting_for_restore");
      out.put("archivedObjects", w.archived());
    } else if (outcome instanceof Erasure.WaitingForPipeline w) {
      out.put("status", "waiting_for_pipeline");
      out.put("waiting", w.until().why());
      // the erase state machine waits this long (Wait SecondsPath) before it calls again
      out.put("waitSeconds", waitSeconds(w.until().retryAfter()));
    } else if (outcome instanceof Erasure.Done done) {
      out.put("status", done.alreadyDone() ? "already_erased" : "erased");
      out.put("reportKey", done.reportKey());
    } else {
      out.put("status", "not_found");
    }
    return out;
  }

  /** A wait in whole seconds, at least a minute and at most a day (it is asked again then). */
  static int waitSeconds(java.time.Duration d) {
    return (int) Math.max(60, Math.min(86_400, d.toSeconds() + 1));
  }

  private static String required(JsonNode detail, String field) {
    JsonNode v = detail.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException("detail." + field + " is missing or not a string");
    }
    return v.asText();
  }
}
