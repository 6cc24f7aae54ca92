package io.meridian.cdp.infra;

import java.util.List;
import java.util.Map;

/**
 * The columns that hold personal data, per Glue table ({@code database.table}): the one place that
 * decides what the analyst role may not select (Lake Formation column-level permission). A table
 * not listed here has no PII column. The raw zone is not granted to analysts at all.
 */
public final class PiiColumns {
  /** Table → its PII columns. */
  public static final Map<String, List<String>> BY_TABLE =
      Map.of(
          "cdp_clean.events",
              List.of("user_id", "anonymous_id", "previous_id", "traits", "context"),
          "cdp_clean.quarantine_records", List.of("message_id", "payload"),
          "cdp_curated.identity_graph", List.of("identifier"),
          "cdp_curated.profiles", List.of("traits", "identifiers"),
          "cdp_curated.profile_merges", List.of("identifier"),
          "cdp_curated.blocked_merges", List.of("identifier"),
          "cdp_curated.event_identifiers", List.of("identifier"));

  private PiiColumns() {}

  /** The PII columns of {@code database.table}, empty when it has none. */
  public static List<String> of(String database, String table) {
    return BY_TABLE.getOrDefault(database + "." + table, List.of());
  }
}
