package io.meridian.cdp.catalog;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.segment.SegmentTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of the lake, generated from the core's table schemas ({@link CleanTables}, {@link
 * CuratedTables}, {@link SegmentTables}) so that Athena sees the columns the writers write: one
 * table per dataset, Hive types mapped from {@link ColumnType}, comments from docs/TABLES.md, and
 * partition projection on the key layout of {@code io.meridian.cdp.lake.LakeLayout} (no crawler, no
 * partition to add). The CDK app declares them as Glue tables; a {@link TableCatalog} registers and
 * checks them at run time ({@link LakeTable#definition}).
 */
public final class LakeTables {
  public static final String RAW = "cdp_raw";
  public static final String CLEAN = "cdp_clean";
  public static final String CURATED = "cdp_curated";
  public static final List<String> DATABASES = List.of(RAW, CLEAN, CURATED);

  /** How a table's files are stored. */
  public enum Format {
    PARQUET,
    /** gzip JSON Lines, one raw-zone envelope per line. */
    JSON_LINES
  }

  /**
   * A partition column.
   *
   * @param projection the {@code projection.<name>.*} table parameters (without the prefix)
   */
  public record Partition(
      String name, String type, String comment, Map<String, String> projection) {}

  /**
   * One table of the lake.
   *
   * @param docName its name in docs/TABLES.md (and of the DuckDB view of local mode)
   * @param prefix its lake key prefix, ending in {@code /}
   * @param serdeMapping column → JSON field name, for columns named differently (JSON tables)
   */
  public record LakeTable(
      String database,
      String name,
      String docName,
      String prefix,
      Format format,
      List<CatalogColumn> columns,
      List<Partition> partitions,
      Map<String, String> serdeMapping) {

    /** {@code database.name}. */
    public String qualifiedName() {
      return database + "." + name;
    }

    /**
     * The table as a catalog holds it for the lake at {@code lakeUri} ({@code s3://bucket} on AWS,
     * a {@code file:} URI locally): its files under {@code lakeUri/prefix}, partition projection
     * with a {@code storage.location.template} there, and the SerDe of its format.
     */
    public TableDefinition definition(String lakeUri) {
      String root = lakeUri.endsWith("/") ? lakeUri : lakeUri + "/";
      Map<String, String> p = new LinkedHashMap<>();
      p.put("EXTERNAL", "TRUE");
      p.put("projection.enabled", "true");
      StringBuilder template = new StringBuilder(root + prefix);
      for (Partition partition : partitions) {
        partition
            .projection()
            .forEach((k, v) -> p.put("projection." + partition.name() + "." + k, v));
        template.append(partition.name()).append("=${").append(partition.name()).append("}/");
      }
      p.put("storage.location.template", template.toString());
      StorageFormat storage;
      if (format == Format.PARQUET) {
        p.put("classification", "parquet");
        p.put("parquet.compression", "ZSTD");
        storage = StorageFormat.PARQUET;
      } else {
        p.put("classification", "json");
        p.put("compressionType", "gzip");
        storage = StorageFormat.jsonLines(serdeMapping);
      }
      return new TableDefinition(
          database,
          name,
          docName + " (docs/TABLES.md), files under " + prefix,
          root + prefix,
          storage,
          columns,
          partitions.stream().map(x -> new CatalogColumn(x.name(), x.type(), x.comment())).toList(),
          p);
    }
  }

  static final Partition TENANT =
      new Partition(
          "tenant",
          "string",
          "tenant id; every query must name it (tenant = '...'): partition projection, injected",
          Map.of("type", "injected"));
  static final Partition DT =
      new Partition(
          "dt",
          "date",
          "day of receipt (UTC)",
          Map.of(
              "type", "date",
              "format", "yyyy-MM-dd",
              "range", "2020-01-01,NOW",
              "interval", "1",
              "interval.unit", "DAYS"));
  static final Partition SNAPSHOT =
      new Partition(
          "snapshot",
          "int",
          "curation snapshot number; the tenant's current one is named by its pointer"
              + " (_state/curated/tenant=T/), the previous one is kept until the next run",
          Map.of("type", "integer", "range", "1,999999", "digits", "6"));

  private LakeTables() {}

  /** Every table, with comments from the copy of docs/TABLES.md in the core's jar. */
  public static List<LakeTable> all() {
    return all(TableDocs.bundled());
  }

  /** Every table, with comments from {@code docs}. */
  public static List<LakeTable> all(TableDocs docs) {
    List<LakeTable> out = new ArrayList<>();
    out.add(rawEvents(docs));
    out.add(
        parquet(docs, CLEAN, "events", "clean.events", "clean/events/", CleanTables.EVENTS, DT));
    out.add(
        parquet(
            docs,
            CLEAN,
            "quarantine_records",
            "quarantine.records",
            "quarantine/records/",
            CleanTables.QUARANTINE,
            DT));
    for (TableSchema snapshotTable :
        List.of(
            CuratedTables.IDENTITY_GRAPH,
            CuratedTables.PROFILES,
            CuratedTables.PROFILE_MERGES,
            CuratedTables.BLOCKED_MERGES,
            CuratedTables.CONSENT_HISTORY,
            // membership is a snapshot per run; changes keep one snapshot directory per run
            SegmentTables.MEMBERSHIP,
            SegmentTables.CHANGES)) {
      String name = snapshotTable.name();
      out.add(
          parquet(
              docs,
              CURATED,
              name,
              "curated." + name,
              "curated/" + name + "/",
              snapshotTable,
              SNAPSHOT));
    }
    out.add(
        parquet(
            docs,
            CURATED,
            "event_identifiers",
            "curated.event_identifiers",
            "curated/event_identifiers/",
            CuratedTables.EVENT_IDENTIFIERS,
            DT));
    return List.copyOf(out);
  }

  /**
   * The table {@code database.name}.
   *
   * @throws IllegalArgumentException when the lake has no such table
   */
  public static LakeTable table(String qualifiedName) {
    return all().stream()
        .filter(t -> t.qualifiedName().equals(qualifiedName))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("the lake has no table '" + qualifiedName + "'"));
  }

  /** The Hive type Athena reads a column type as. */
  public static String hiveType(ColumnType type) {
    return switch (type) {
      case STRING, JSON -> "string";
      case TIMESTAMP -> "timestamp";
      case INT64 -> "bigint";
      case INT32 -> "int";
      case DOUBLE -> "double";
      case BOOLEAN -> "boolean";
    };
  }

  private static LakeTable parquet(
      TableDocs docs,
      String database,
      String name,
      String docName,
      String prefix,
      TableSchema schema,
      Partition second) {
    List<CatalogColumn> columns = new ArrayList<>();
    for (Column c : schema.columns()) {
      String fallback = c.type() == ColumnType.JSON ? "JSON text" : c.name().replace('_', ' ');
      String comment = docs.meaning(docName, c.name()).orElse(fallback);
      if (c.type() == ColumnType.JSON && !comment.startsWith("JSON")) {
        comment = truncate("JSON text: " + comment);
      }
      columns.add(new CatalogColumn(c.name(), hiveType(c.type()), comment));
    }
    return new LakeTable(
        database,
        name,
        docName,
        prefix,
        Format.PARQUET,
        columns,
        List.of(TENANT, second),
        Map.of());
  }

  private static LakeTable rawEvents(TableDocs docs) {
    List<CatalogColumn> columns = new ArrayList<>();
    for (String[] c :
        List.of(
            new String[] {"message_id", "string"},
            new String[] {"type", "string"},
            new String[] {"received_at", "string"},
            new String[] {"request_id", "string"},
            new String[] {"batch", "string"},
            new String[] {"payload", "string"})) {
      String comment = docs.meaning("raw.events", c[0]).orElse(c[0].replace('_', ' '));
      if (c[0].equals("received_at")) {
        comment = truncate(comment + " (ISO-8601 text; from_iso8601_timestamp() reads it)");
      }
      columns.add(new CatalogColumn(c[0], c[1], comment));
    }
    Partition source =
        new Partition(
            "source", "string", "source id; every query must name it", Map.of("type", "injected"));
    Partition hour =
        new Partition(
            "hour",
            "int",
            "hour of receipt (UTC), 0-23",
            Map.of("type", "integer", "range", "0,23", "digits", "2"));
    return new LakeTable(
        RAW,
        "events",
        "raw.events",
        "raw/",
        Format.JSON_LINES,
        columns,
        List.of(TENANT, source, DT, hour),
        Map.of(
            "message_id", "messageId",
            "received_at", "receivedAt",
            "request_id", "requestId"));
  }

  private static String truncate(String text) {
    return text.length() <= TableDocs.MAX_COMMENT
        ? text
        : text.substring(0, TableDocs.MAX_COMMENT - 1) + "…";
  }
}
