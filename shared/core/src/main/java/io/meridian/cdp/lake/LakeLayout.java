package io.meridian.cdp.lake;

import io.meridian.cdp.tenant.Ids;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys of every zone. Partitions are Hive-style ({@code tenant=acme/dt=2026-11-24}) so that
 * DuckDB, Athena and Glue partition projection read them alike. The layout is part of the public
 * table contract (docs/TABLES.md).
 */
public final class LakeLayout {
  public static final String RAW = "raw/";

  /**
   * Stream records that carry no routable envelope: kept (never dropped), outside the raw zone and
   * every tenant's partitions, so no table reads them.
   */
  public static final String RAW_UNROUTABLE = "_unroutable/raw/";

  public static final String CLEAN_EVENTS = "clean/events/";
  public static final String QUARANTINE_RECORDS = "quarantine/records/";
  public static final String ACCOUNTING = "_ops/accounting/";
  public static final String DEDUP_STATE = "_state/dedup/";

  /**
   * Message ids a conversion dropped as duplicates of calls in other raw objects (client retries),
   * one object per raw object that had any: erasure finds the raw lines of those copies by them.
   */
  public static final String DUPLICATES_STATE = "_state/duplicates/";

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH");
  private static final Pattern RAW_KEY =
      Pattern.compile(
          "raw/tenant=([a-z0-9_-]+)/source=([a-z0-9_-]+)/dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/([A-Za-z0-9_.-]+)\\.jsonl\\.gz");
  private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_.-]{1,160}");

  private LakeLayout() {}

  /** A parsed raw-zone key. */
  public record RawObject(String tenant, String source, LocalDate dt, int hour, String batchId) {
    /** Names derived from this raw object: unique, stable across retries. */
    public String partId() {
      return source + "-h" + String.format("%02d", hour) + "-" + batchId;
    }
  }

  /** Raw-zone key of the events of one batch for one tenant, source and receipt hour. */
  public static String rawKey(String tenant, String source, Instant receivedAt, String batchId) {
    var t = receivedAt.atZone(ZoneOffset.UTC);
    String day = rawDayPrefix(tenant, source, t.toLocalDate());
    requireBatchId(batchId);
    return day + "hour=" + HOUR.format(t) + "/" + batchId + ".jsonl.gz";
  }

  /** The raw objects of one tenant, source and receipt day. */
  public static String rawDayPrefix(String tenant, String source, LocalDate dt) {
    return RAW
        + "tenant="
        + Ids.require("tenant", tenant)
        + "/source="
        + Ids.require("source", source)
        + "/dt="
        + dt
        + "/";
  }

  /** Key of the unroutable records of one batch, by the day they arrived. */
  public static String unroutableKey(LocalDate dt, String batchId) {
    requireBatchId(batchId);
    return RAW_UNROUTABLE + "dt=" + dt + "/" + batchId + ".jsonl.gz";
  }

  private static void requireBatchId(String batchId) {
    if (!BATCH_ID.matcher(batchId).matches()) {
      throw new IllegalArgumentException("batch id '" + batchId + "' is not key-safe");
    }
  }

  public static Optional<RawObject> parseRawKey(String key) {
    Matcher m = RAW_KEY.matcher(key);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new RawObject(
            m.group(1),
            m.group(2),
            LocalDate.parse(m.group(3)),
            Integer.parseInt(m.group(4)),
            m.group(5)));
  }

  public static String cleanEventsKey(String tenant, LocalDate dt, String partId) {
    return parquetKey(CLEAN_EVENTS, tenant, dt, partId);
  }

  public static String quarantineKey(String tenant, LocalDate dt, String partId) {
    return parquetKey(QUARANTINE_RECORDS, tenant, dt, partId);
  }

  /** A Parquet file of a table partitioned by tenant and day. */
  private static String parquetKey(String table, String tenant, LocalDate dt, String partId) {
    return table
        + "tenant="
        + Ids.require("tenant", tenant)
        + "/dt="
        + dt
        + "/"
        + partId
        + ".parquet";
  }

  /** Accounting record of one stage for one unit of work, as one JSON object. */
  public static String accountingKey(String stage, String tenant, LocalDate dt, String unitId) {
    return ACCOUNTING
        + "stage="
        + stage
        + "/tenant="
        + Ids.require("tenant", tenant)
        + "/dt="
        + dt
        + "/"
        + unitId
        + ".json";
  }

  /** Claims of one unit of the de-duplication index, filed by the unit's receipt day. */
  public static String dedupKey(String tenant, LocalDate day, String owner) {
    return dedupDayPrefix(tenant, day) + owner + ".ids";
  }

  /** The suffix of a unit's de-duplication claims (all its owners in one object). */
  public static final String DEDUP_UNIT_SUFFIX = ".claims";

  /** The object holding the de-duplication claims of all the owners of one unit of work. */
  public static String dedupUnitKey(String tenant, LocalDate day, String unit) {
    return dedupDayPrefix(tenant, day) + unit + DEDUP_UNIT_SUFFIX;
  }

  /** The message ids one raw object's conversion dropped as duplicates of other raw objects. */
  public static String duplicatesKey(String tenant, LocalDate day, String partId) {
    return duplicatesPrefix(tenant) + "dt=" + day + "/" + partId + ".json";
  }

  public static String duplicatesPrefix(String tenant) {
    return DUPLICATES_STATE + "tenant=" + Ids.require("tenant", tenant) + "/";
  }

  public static String dedupDayPrefix(String tenant, LocalDate day) {
    return DEDUP_STATE + "tenant=" + Ids.require("tenant", tenant) + "/dt=" + day + "/";
  }
}
