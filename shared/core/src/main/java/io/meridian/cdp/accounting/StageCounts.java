package io.meridian.cdp.accounting;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one stage did with one unit of work (one raw object, one spool chunk).
 *
 * @param stage {@code raw} (spool or stream to raw zone) or {@code clean} (raw to clean zone)
 * @param tenant tenant id
 * @param source source id
 * @param unit the unit of work, e.g. the raw object key
 * @param input records read
 * @param output records written to the stage's output
 * @param quarantined records rejected, by reason code
 * @param duplicates records dropped because their messageId was already stored
 * @param finishedAt when the stage committed this unit
 * @param pii personal data handled by the tenant's PII policy (clean stage): values by {@code
 *     declared|detected.<kind>.<action>}, e.g. {@code detected.payment_card.mask}; never values
 */
public record StageCounts(
    @JsonProperty("stage") String stage,
    @JsonProperty("tenant") String tenant,
    @JsonProperty("source") String source,
    @JsonProperty("unit") String unit,
    @JsonProperty("input") long input,
    @JsonProperty("output") long output,
    @JsonProperty("quarantined") Map<String, Long> quarantined,
    @JsonProperty("duplicates") long duplicates,
    @JsonProperty("finishedAt") Instant finishedAt,
    @JsonProperty("pii") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> pii) {

  public StageCounts {
    quarantined = quarantined == null ? Map.of() : Map.copyOf(new TreeMap<>(quarantined));
    pii = pii == null ? Map.of() : Map.copyOf(pii);
    if (input != output + quarantinedTotal(quarantined) + duplicates) {
      throw new IllegalStateException(
          "accounting does not balance for "
              + unit
              + ": input "
              + input
              + " != output "
              + output
              + " + quarantined "
              + quarantinedTotal(quarantined)
              + " + duplicates "
              + duplicates);
    }
  }

  /** Counts without PII figures (the raw stage, and tests). */
  public StageCounts(
      String stage,
      String tenant,
      String source,
      String unit,
      long input,
      long output,
      Map<String, Long> quarantined,
      long duplicates,
      Instant finishedAt) {
    this(stage, tenant, source, unit, input, output, quarantined, duplicates, finishedAt, null);
  }

  public long quarantinedTotal() {
    return quarantinedTotal(quarantined);
  }

  private static long quarantinedTotal(Map<String, Long> q) {
    return q.values().stream().mapToLong(Long::longValue).sum();
  }
}
