package io.meridian.cdp.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.ColumnBatch;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.tenant.Ids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The curated zone's keys, pointers and Parquet files over an {@link ObjectStore}.
 *
 * <p>A step writes a whole new snapshot of a tenant's tables under {@code snapshot=NNNNNN/}, then
 * replaces the tenant's pointer object in one atomic put. Readers (DuckDB views, Glue) follow the
 * pointer, so a crash mid-run leaves the previous snapshot in force; the snapshot before the
 * previous one is deleted after the switch.
 */
public final class CuratedStore {
  public static final String CURATED = "curated/";
  public static final String POINTERS = "_state/curated/";
  public static final String IDENTITY = "identity";
  public static final String PROFILES = "profiles";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectStore store;
  private final Path workDir;

  public CuratedStore(ObjectStore store, Path workDir) {
    this.store = store;
    this.workDir = workDir;
  }

  public ObjectStore objects() {
    return store;
  }

  /**
   * Where a step stands for one tenant.
   *
   * @param snapshot the snapshot in force (0 before the first run)
   * @param generation counts full rebuilds; a step that consumes another restarts when it changes
   * @param watermarkMicros received_at of the last event linked (identity step)
   * @param watermarkMessageId message id of that event
   * @param files clean-zone keys consumed so far
   * @param tables table name → key of each file of the snapshot, for readers
   * @param rules fingerprint of the identity rules the snapshot was resolved with
   * @param audienceTraits profiles step: what its {@link AudienceTraits#TABLE} table holds (empty
   *     without that table)
   */
  public record Pointer(
      @JsonProperty("snapshot") int snapshot,
      @JsonProperty("generation") int generation,
      @JsonProperty("watermarkMicros") long watermarkMicros,
      @JsonProperty("watermarkMessageId") String watermarkMessageId,
      @JsonProperty("files") List<String> files,
      @JsonProperty("tables") java.util.Map<String, String> tables,
      @JsonProperty("rules") String rules,
      @JsonProperty("audienceTraits")
          @JsonInclude(
              value = JsonInclude.Include.CUSTOM,
              valueFilter = AudienceTraits.Layout.EmptyFilter.class)
          AudienceTraits.Layout audienceTraits) {
    public Pointer {
      files = files == null ? List.of() : List.copyOf(files);
      tables = tables == null ? java.util.Map.of() : java.util.Map.copyOf(tables);
      rules = rules == null ? "" : rules;
      audienceTraits = audienceTraits == null ? AudienceTraits.Layout.none() : audienceTraits;
    }

    /** A pointer without an {@link AudienceTraits#TABLE} table. */
    public Pointer(
        int snapshot,
        int generation,
        long watermarkMicros,
        String watermarkMessageId,
        List<String> files,
        java.util.Map<String, String> tables,
        String rules) {
      this(snapshot, generation, watermarkMicros, watermarkMessageId, files, tables, rules, null);
    }

    public static Pointer initial() {
      return new Pointer(0, 0, Long.MIN_VALUE, "", List.of(), java.util.Map.of(), "", null);
    }
  }

  public static String pointerKey(String tenant, String step) {
    return POINTERS + "tenant=" + Ids.require("tenant", tenant) + "/" + step + ".json";
  }

  public Optional<Pointer> pointer(String tenant, String step) throws IOException {
    Optional<byte[]> bytes = store.get(pointerKey(tenant, step));
    return bytes.isEmpty()
        ? Optional.empty()
        : Optional.of(JSON.readValue(bytes.get(), Pointer.class));
  }

  /**
   * Switches the tenant to a new snapshot, then deletes the one before the previous.
   *
   * <p>On a store that writes conditionally (S3) the switch is a compare-and-set: the pointer is
   * replaced only if it is still {@code previous} (or, when {@code previous} is {@link
   * Pointer#initial()}, only if there is none), so a writer that read an older pointer cannot undo
   * another's switch (an erasure's, say). Writers hold the tenant's {@link TenantLease} besides
   * (ADR 0031); this is the defence if a lease expired under a slow holder.
   *
   * @throws PointerMovedException when the pointer in force is no longer {@code previous}; nothing
   *     was switched and the snapshot written for it is left to the next run
   */
  public void switchTo(String tenant, String step, Pointer next, Pointer previous)
      throws IOException {
    String pointer = pointerKey(tenant, step);
    byte[] bytes = JSON.writeValueAsBytes(next);
    if (store instanceof ConditionalWrites cas) {
      Optional<ConditionalWrites.Tagged> current = cas.getTagged(pointer);
      Pointer inForce =
          current.isEmpty() ? null : JSON.readValue(current.get().content(), Pointer.class);
      boolean same =
          inForce == null ? previous.equals(Pointer.initial()) : inForce.equals(previous);
      if (!same
          || cas.putIf(pointer, bytes, current.map(ConditionalWrites.Tagged::tag).orElse(null))
              .isEmpty()) {
        throw new PointerMovedException(tenant, step, previous.snapshot(), next.snapshot());
      }
    } else {
      store.put(pointer, bytes);
    }
    if (previous.snapshot() > 1) {
      String old = "/snapshot=" + snapshotName(previous.snapshot() - 1) + "/";
      for (String table : previous.tables().keySet()) {
        String prefix = tablePrefix(table, tenant) + old.substring(1);
        for (String key : store.list(prefix)) {
          store.delete(key);
        }
      }
    }
  }

  /** Another writer switched a tenant's pointer after this one read it (see {@link #switchTo}). */
  public static final class PointerMovedException extends IOException {
    private static final long serialVersionUID = 1L;

    PointerMovedException(String tenant, String step, int read, int next) {
      super(
          "tenant "
              + tenant
              + ": the "
              + step
              + " pointer is no longer snapshot "
              + read
              + " as read, another writer switched it; snapshot "
              + next
              + " was not switched to (running the step again starts from the pointer in force)");
    }
  }

  public static String snapshotName(int snapshot) {
    return String.format("%06d", snapshot);
  }

  /** Prefix of a curated (or private state) table's files for one tenant. */
  public static String tablePrefix(String table, String tenant) {
    String root =
        table.startsWith("_") ? POINTERS + table.substring(1) + "/" : CURATED + table + "/";
    return root + "tenant=" + Ids.require("tenant", tenant) + "/";
  }

  /** Key of a snapshot file of a table. */
  public static String snapshotKey(String table, String tenant, int snapshot) {
    return tablePrefix(table, tenant) + "snapshot=" + snapshotName(snapshot) + "/part-0.parquet";
  }

  /** Every clean-zone file of a tenant, in key order. */
  List<String> cleanFiles(String tenant) throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.list("clean/events/tenant=" + Ids.require("tenant", tenant) + "/")) {
      if (key.endsWith(".parquet")) {
        out.add(key);
      }
    }
    return out;
  }

  /**
   * The files of one curated table in force, over all tenants: what readers (DuckDB views, Glue)
   * read. Tables of the identity step: identity_graph, profile_merges, blocked_merges; of the
   * profiles step: profiles, consent_history.
   */
  public List<String> currentFiles(String table) throws IOException {
    String step =
        switch (table) {
          case "profiles", "consent_history" -> PROFILES;
          case "segment_membership" -> "segments";
          default -> IDENTITY;
        };
    List<String> out = new ArrayList<>();
    for (String key : store.list(POINTERS + "tenant=")) {
      if (key.endsWith("/" + step + ".json")) {
        String tenant = key.substring((POINTERS + "tenant=").length(), key.lastIndexOf('/'));
        pointer(tenant, step).map(p -> p.tables().get(table)).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The files of a history table ({@code segment_changes}) over all tenants: one per run up to the
   * run in force — a file of a run that crashed before its pointer switch is not included.
   */
  public List<String> historyFiles(String table, String step) throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.list(POINTERS + "tenant=")) {
      if (key.endsWith("/" + step + ".json")) {
        String tenant = key.substring((POINTERS + "tenant=").length(), key.lastIndexOf('/'));
        int current = pointer(tenant, step).map(Pointer::snapshot).orElse(0);
        String prefix = tablePrefix(table, tenant) + "snapshot=";
        for (String file : store.list(prefix)) {
          String n = file.substring(prefix.length(), file.indexOf('/', prefix.length()));
          if (file.endsWith(".parquet") && Integer.parseInt(n) <= current) {
            out.add(file);
          }
        }
      }
    }
    return out;
  }

  /** Tenants that have clean-zone files. */
  public List<String> tenantsWithEvents() throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.list("clean/events/tenant=")) {
      String tenant = key.substring("clean/events/tenant=".length(), key.indexOf('/', 20));
      if (!out.contains(tenant)) {
        out.add(tenant);
      }
    }
    return out;
  }

  /** Rows of a stored Parquet object. */
  public List<Object[]> read(TableSchema schema, String key) throws IOException {
    byte[] bytes = store.get(key).orElseThrow(() -> new java.nio.file.NoSuchFileException(key));
    Files.createDirectories(workDir);
    Path tmp = Files.createTempFile(workDir, "curated-read-", ".parquet");
    try {
      Files.write(tmp, bytes);
      return ParquetFiles.readAll(schema, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Rows of a table file or, when {@code keyOrPrefix} ends in {@code /}, of every object under that
   * prefix in key order: a snapshot written by a SQL engine ({@code SqlEngine.unload}) is a
   * directory of files the engine named.
   */
  public List<Object[]> readAll(TableSchema schema, String keyOrPrefix) throws IOException {
    if (!keyOrPrefix.endsWith("/")) {
      return read(schema, keyOrPrefix);
    }
    List<Object[]> out = new ArrayList<>();
    for (String key : store.list(keyOrPrefix)) {
      out.addAll(read(schema, key));
    }
    return out;
  }

  /** Makes a Parquet file at a given path (see {@link #writeFile}). */
  @FunctionalInterface
  public interface FileMaker {
    void writeTo(Path file) throws IOException;
  }

  /** Stores as {@code key} the Parquet file {@code maker} writes into a temporary file. */
  public void writeFile(String key, FileMaker maker) throws IOException {
    Files.createDirectories(workDir);
    Path tmp = Files.createTempFile(workDir, "curated-", ".parquet");
    try {
      maker.writeTo(tmp);
      store.putFile(key, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The row groups of a stored Parquet object, column by column ({@link
   * ParquetFiles#forEachBatch}).
   */
  public void readBatches(TableSchema schema, String key, Consumer<ColumnBatch> batches)
      throws IOException {
    byte[] bytes = store.get(key).orElseThrow(() -> new java.nio.file.NoSuchFileException(key));
    Files.createDirectories(workDir);
    Path tmp = Files.createTempFile(workDir, "curated-read-", ".parquet");
    try {
      Files.write(tmp, bytes);
      ParquetFiles.forEachBatch(schema, tmp, false, batches);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes rows as a Parquet object. */
  public void write(TableSchema schema, String key, Iterable<Object[]> rows) throws IOException {
    Files.createDirectories(workDir);
    Path tmp = Files.createTempFile(workDir, "curated-", ".parquet");
    try {
      try (RowWriter w =
          ParquetFiles.create(
              schema, tmp, ParquetFiles.Options.defaults(), CuratedTables.rowGroupRows(schema))) {
        for (Object[] row : rows) {
          w.write(row);
        }
      }
      store.putFile(key, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
