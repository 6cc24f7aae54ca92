package io.meridian.cdp.identity;

import io.meridian.cdp.identity.CuratedStore.Pointer;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.segment.ComputeSegments;
import io.meridian.cdp.segment.SegmentTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds one person in a tenant's curated zone and writes the curated tables again without them
 * (erasure, docs/PRIVACY.md). It works on the tables in force as stored — the public tables and the
 * private state of the steps — never on the linking internals, and switches each step to a new
 * snapshot the way the steps do, so readers see the person or nothing of them per step and a crash
 * leaves the previous snapshot in force. The pointers keep their watermarks, consumed files and
 * generation, so the next incremental run neither rebuilds nor reads the person's events again.
 */
public final class CuratedErasure {
  private final CuratedStore store;

  public CuratedErasure(CuratedStore store) {
    this.store = store;
  }

  /** One identifier of the graph. */
  public record Identifier(String type, String value, boolean shared) {}

  /**
   * A person as the identity graph holds them.
   *
   * @param profileId the current profile id
   * @param profileIds the current id and every id merged into it (merge history)
   * @param identifiers every identifier of the profile
   */
  public record Person(String profileId, Set<String> profileIds, List<Identifier> identifiers) {
    public Person {
      profileIds = Set.copyOf(profileIds);
      identifiers = List.copyOf(identifiers);
    }
  }

  /**
   * The person holding identifier {@code value} (already normalized) of {@code type}, or empty when
   * the tenant's graph in force does not hold it.
   */
  public Optional<Person> find(String tenant, String type, String value) throws IOException {
    Optional<Pointer> p = store.pointer(tenant, CuratedStore.IDENTITY);
    if (p.isEmpty() || !p.get().tables().containsKey("identity_graph")) {
      return Optional.empty();
    }
    List<Object[]> graph =
        store.read(CuratedTables.IDENTITY_GRAPH, p.get().tables().get("identity_graph"));
    String profile = null;
    for (Object[] row : graph) {
      if (type.equals(row[0]) && value.equals(row[1])) {
        profile = (String) row[2];
        break;
      }
    }
    if (profile == null) {
      return Optional.empty();
    }
    return Optional.of(person(tenant, p.get(), graph, profile));
  }

  /** The person whose current profile id is {@code profileId}, or empty. */
  public Optional<Person> byProfileId(String tenant, String profileId) throws IOException {
    Optional<Pointer> p = store.pointer(tenant, CuratedStore.IDENTITY);
    if (p.isEmpty() || !p.get().tables().containsKey("identity_graph")) {
      return Optional.empty();
    }
    List<Object[]> graph =
        store.read(CuratedTables.IDENTITY_GRAPH, p.get().tables().get("identity_graph"));
    for (Object[] row : graph) {
      if (profileId.equals(row[2])) {
        return Optional.of(person(tenant, p.get(), graph, profileId));
      }
    }
    return Optional.empty();
  }

  private Person person(String tenant, Pointer p, List<Object[]> graph, String profile)
      throws IOException {
    List<Identifier> ids = new ArrayList<>();
    for (Object[] row : graph) {
      if (profile.equals(row[2])) {
        ids.add(new Identifier((String) row[0], (String) row[1], (Boolean) row[5]));
      }
    }
    Set<String> all = new LinkedHashSet<>();
    all.add(profile);
    List<Object[]> merges =
        store.read(CuratedTables.PROFILE_MERGES, p.tables().get("profile_merges"));
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Object[] m : merges) {
        if (all.contains((String) m[1]) && all.add((String) m[0])) {
          grew = true;
        }
      }
    }
    return new Person(profile, all, ids);
  }

  /** Rows of the person in the tables in force, for an export. */
  public Map<String, List<Object[]>> rowsOf(String tenant, Set<String> profileIds)
      throws IOException {
    Map<String, List<Object[]>> out = new LinkedHashMap<>();
    Optional<Pointer> identity = store.pointer(tenant, CuratedStore.IDENTITY);
    Optional<Pointer> profiles = store.pointer(tenant, CuratedStore.PROFILES);
    Optional<Pointer> segments = store.pointer(tenant, SegmentTables.STEP);
    for (TableSchema t :
        List.of(
            CuratedTables.IDENTITY_GRAPH,
            CuratedTables.PROFILE_MERGES,
            CuratedTables.BLOCKED_MERGES)) {
      out.put(t.name(), identity.isEmpty() ? List.of() : select(identity.get(), t, profileIds));
    }
    for (TableSchema t : List.of(CuratedTables.PROFILES, CuratedTables.CONSENT_HISTORY)) {
      out.put(t.name(), profiles.isEmpty() ? List.of() : select(profiles.get(), t, profileIds));
    }
    out.put(
        SegmentTables.MEMBERSHIP.name(),
        segments.isEmpty()
            ? List.of()
            : select(segments.get(), SegmentTables.MEMBERSHIP, profileIds));
    List<Object[]> changes = new ArrayList<>();
    int current = segments.map(Pointer::snapshot).orElse(0);
    for (int run = 1; run <= current; run++) {
      // one file locally, the files of an UNLOAD on AWS (ADR 0017)
      for (Object[] row :
          store.readAll(SegmentTables.CHANGES, ComputeSegments.changesPrefix(tenant, run))) {
        if (profileIds.contains((String) row[1])) {
          changes.add(row);
        }
      }
    }
    out.put(SegmentTables.CHANGES.name(), changes);
    return out;
  }

  private List<Object[]> select(Pointer p, TableSchema t, Set<String> profileIds)
      throws IOException {
    String key = p.tables().get(t.name());
    if (key == null) {
      return List.of();
    }
    List<Object[]> out = new ArrayList<>();
    int[] cols = profileColumns(t);
    for (Object[] row : store.readAll(t, key)) {
      if (mentions(row, cols, profileIds)) {
        out.add(row);
      }
    }
    return out;
  }

  /** What one erasure removed from one step's tables: table → rows. */
  public record Removed(Map<String, Long> rows, boolean switched) {
    public Removed {
      rows = Map.copyOf(new TreeMap<>(rows));
    }

    public long total() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Writes a new snapshot of the identity step without the profiles {@code profileIds} (graph rows,
   * merges and refused links naming them, the private profile index) and rewrites the {@code
   * curated.event_identifiers} files that hold any of {@code messageIds}. Does nothing when none of
   * it is there (a re-run).
   */
  public Removed eraseIdentity(String tenant, Set<String> profileIds, Set<String> messageIds)
      throws IOException {
    Map<String, Long> removed = new TreeMap<>();
    Optional<Pointer> found = store.pointer(tenant, CuratedStore.IDENTITY);
    if (found.isEmpty()) {
      return new Removed(removed, false);
    }
    Pointer previous = found.get();
    long eventIds = 0;
    for (String clean : previous.files()) {
      String key = ResolveIdentities.eventIdentifiersKey(clean);
      if (!store.objects().exists(key)) {
        continue;
      }
      List<Object[]> rows = store.read(CuratedTables.EVENT_IDENTIFIERS, key);
      List<Object[]> kept = new ArrayList<>(rows.size());
      for (Object[] row : rows) {
        if (!messageIds.contains((String) row[0])) {
          kept.add(row);
        }
      }
      if (kept.size() < rows.size()) {
        store.write(CuratedTables.EVENT_IDENTIFIERS, key, kept);
        eventIds += rows.size() - kept.size();
      }
    }
    removed.put("event_identifiers", eventIds);
    Map<String, TableSchema> schemas = new LinkedHashMap<>();
    schemas.put("identity_graph", CuratedTables.IDENTITY_GRAPH);
    schemas.put("profile_merges", CuratedTables.PROFILE_MERGES);
    schemas.put("blocked_merges", CuratedTables.BLOCKED_MERGES);
    schemas.put("_profile_index", CuratedTables.PROFILE_INDEX);
    boolean switched =
        rewriteSnapshot(tenant, CuratedStore.IDENTITY, previous, schemas, profileIds, removed);
    return new Removed(removed, switched);
  }

  /**
   * Writes a new snapshot of the profiles step without the profiles {@code profileIds}: their
   * {@code curated.profiles} rows, consent history, private aggregate state and {@link
   * AudienceTraits} rows.
   */
  public Removed eraseProfiles(String tenant, Set<String> profileIds) throws IOException {
    Map<String, Long> removed = new TreeMap<>();
    Optional<Pointer> found = store.pointer(tenant, CuratedStore.PROFILES);
    if (found.isEmpty()) {
      return new Removed(removed, false);
    }
    Map<String, TableSchema> schemas = new LinkedHashMap<>();
    schemas.put("profiles", CuratedTables.PROFILES);
    schemas.put("consent_history", CuratedTables.CONSENT_HISTORY);
    schemas.put("_profile_state", CuratedTables.PROFILE_STATE);
    schemas.put(AudienceTraits.TABLE, found.get().audienceTraits().schema());
    boolean switched =
        rewriteSnapshot(tenant, CuratedStore.PROFILES, found.get(), schemas, profileIds, removed);
    return new Removed(removed, switched);
  }

  /**
   * Rewrites the tenant's segment membership in force and every file of its segment changes without
   * the profiles {@code profileIds}, each file replaced in one atomic put (the step's pointer and
   * run numbers stay as they are, so activation's progress is unaffected).
   */
  public Removed eraseSegments(String tenant, Set<String> profileIds) throws IOException {
    Map<String, Long> removed = new TreeMap<>();
    Optional<Pointer> found = store.pointer(tenant, SegmentTables.STEP);
    if (found.isEmpty()) {
      return new Removed(removed, false);
    }
    List<String[]> files = new ArrayList<>();
    String membership = found.get().tables().get(SegmentTables.MEMBERSHIP.name());
    if (membership != null && membership.endsWith("/")) {
      // a snapshot written by a SQL engine: a directory of files (ADR 0017)
      for (String key : store.objects().list(membership)) {
        files.add(new String[] {SegmentTables.MEMBERSHIP.name(), key});
      }
    } else if (membership != null) {
      files.add(new String[] {SegmentTables.MEMBERSHIP.name(), membership});
    }
    for (String key :
        store.objects().list(CuratedStore.tablePrefix(SegmentTables.CHANGES.name(), tenant))) {
      // ours end in .parquet; Athena names its UNLOAD files without an extension
      if (key.endsWith(".parquet") || !key.substring(key.lastIndexOf('/') + 1).contains(".")) {
        files.add(new String[] {SegmentTables.CHANGES.name(), key});
      }
    }
    for (String[] f : files) {
      TableSchema schema =
          f[0].equals(SegmentTables.MEMBERSHIP.name())
              ? SegmentTables.MEMBERSHIP
              : SegmentTables.CHANGES;
      List<Object[]> rows = store.read(schema, f[1]);
      List<Object[]> kept = without(rows, profileColumns(schema), profileIds);
      removed.merge(f[0], (long) (rows.size() - kept.size()), Long::sum);
      if (kept.size() < rows.size()) {
        store.write(schema, f[1], kept);
      }
    }
    return new Removed(removed, false);
  }

  private boolean rewriteSnapshot(
      String tenant,
      String step,
      Pointer previous,
      Map<String, TableSchema> schemas,
      Set<String> profileIds,
      Map<String, Long> removed)
      throws IOException {
    for (String table : previous.tables().keySet()) {
      if (!schemas.containsKey(table)) {
        // A table this class does not know could hold the person: refuse rather than keep it.
        throw new IllegalStateException(
            "erasure does not know curated table '" + table + "' of step " + step);
      }
    }
    Map<String, List<Object[]>> kept = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<String, String> t : previous.tables().entrySet()) {
      TableSchema schema = schemas.get(t.getKey());
      List<Object[]> rows = store.read(schema, t.getValue());
      List<Object[]> rest = without(rows, profileColumns(schema), profileIds);
      removed.put(
          t.getKey().startsWith("_") ? t.getKey().substring(1) : t.getKey(),
          (long) (rows.size() - rest.size()));
      total += rows.size() - rest.size();
      kept.put(t.getKey(), rest);
    }
    if (total == 0) {
      return false;
    }
    int snapshot = previous.snapshot() + 1;
    Map<String, String> tables = new LinkedHashMap<>();
    for (Map.Entry<String, List<Object[]>> t : kept.entrySet()) {
      String key = CuratedStore.snapshotKey(t.getKey(), tenant, snapshot);
      store.write(schemas.get(t.getKey()), key, t.getValue());
      tables.put(t.getKey(), key);
    }
    store.switchTo(
        tenant,
        step,
        new Pointer(
            snapshot,
            previous.generation(),
            previous.watermarkMicros(),
            previous.watermarkMessageId(),
            previous.files(),
            tables,
            previous.rules(),
            previous.audienceTraits()),
        previous);
    // The snapshot that was in force holds the person: it goes now, not at the next run's switch
    // (readers follow the pointer, which names the new one).
    for (String table : previous.tables().keySet()) {
      String dir =
          CuratedStore.tablePrefix(table, tenant)
              + "snapshot="
              + CuratedStore.snapshotName(previous.snapshot())
              + "/";
      for (String key : store.objects().list(dir)) {
        store.objects().delete(key);
      }
    }
    return true;
  }

  /**
   * The folders of a step's tables for one tenant ({@link CuratedStore#tablePrefix}): where earlier
   * versions of what the erasure rewrote or made obsolete lie in a versioned bucket.
   */
  public static List<String> tablePrefixes(String tenant, String step) {
    List<String> tables =
        switch (step) {
          case CuratedStore.IDENTITY ->
              List.of(
                  "identity_graph",
                  "profile_merges",
                  "blocked_merges",
                  "_profile_index",
                  CuratedTables.EVENT_IDENTIFIERS.name());
          case CuratedStore.PROFILES -> List.of("profiles", "consent_history", "_profile_state");
          case SegmentTables.STEP ->
              List.of(SegmentTables.MEMBERSHIP.name(), SegmentTables.CHANGES.name());
          default -> throw new IllegalArgumentException("no curated step " + step);
        };
    return tables.stream().map(t -> CuratedStore.tablePrefix(t, tenant)).toList();
  }

  /** Indexes of the columns of {@code t} that hold a profile id. */
  private static int[] profileColumns(TableSchema t) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < t.columns().size(); i++) {
      String name = t.columns().get(i).name();
      if (name.equals("profile_id")
          || name.equals("other_profile_id")
          || name.equals("from_profile_id")
          || name.equals("into_profile_id")) {
        out.add(i);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("table " + t.name() + " has no profile id column");
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean mentions(Object[] row, int[] cols, Set<String> profileIds) {
    for (int c : cols) {
      if (profileIds.contains((String) row[c])) {
        return true;
      }
    }
    return false;
  }

  private static List<Object[]> without(List<Object[]> rows, int[] cols, Set<String> ids) {
    List<Object[]> kept = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      if (!mentions(row, cols, ids)) {
        kept.add(row);
      }
    }
    return kept;
  }
}
