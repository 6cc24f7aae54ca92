package io.meridian.cdp.identity;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.identity.CuratedStore.Pointer;
import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import io.meridian.cdp.parquet.TableSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The resolve-identities step for one tenant: links the events of every clean-zone file added since
 * the tenant's watermark into the identity graph and writes a new snapshot of {@code
 * curated.identity_graph}, {@code curated.profile_merges} and {@code curated.blocked_merges}, plus
 * {@code curated.event_identifiers} for each new file.
 *
 * <p>New events are linked in the canonical order (received_at, message_id) after the events
 * already in the graph. When a new file holds an event that sorts before the watermark (a late
 * conversion), the tenant's graph is rebuilt from all its clean files instead, so the graph is
 * always what resolving everything from scratch would give. Running again with no new file does
 * nothing.
 */
public final class ResolveIdentities {
  /** Columns read from clean.events. */
  static final TableSchema EVENT_COLUMNS =
      CleanTables.EVENTS.project(
          "message_id",
          "type",
          "event",
          "user_id",
          "anonymous_id",
          "previous_id",
          "timestamp",
          "received_at",
          "properties",
          "traits",
          "context");

  private final CuratedStore store;

  public ResolveIdentities(CuratedStore store) {
    this.store = store;
  }

  /** What one run did. */
  public record Result(
      String tenant,
      int snapshot,
      boolean rebuilt,
      int filesRead,
      long events,
      long eventsWithoutIdentifier,
      long eventsOnSharedIdentifier,
      Map<String, Long> refused,
      long identifiers,
      long profiles,
      long merges,
      long blockedMerges) {
    public boolean noop() {
      return filesRead == 0;
    }
  }

  /** Runs the step for one tenant. */
  public Result run(String tenant, IdentityRules rules, String phoneRegion) throws IOException {
    Pointer previous = store.pointer(tenant, CuratedStore.IDENTITY).orElse(Pointer.initial());
    List<String> all = store.cleanFiles(tenant);
    Set<String> done = new HashSet<>(previous.files());
    List<String> fresh = all.stream().filter(k -> !done.contains(k)).toList();
    String fingerprint = fingerprint(rules, phoneRegion);
    boolean rulesChanged = previous.snapshot() > 0 && !previous.rules().equals(fingerprint);
    if (fresh.isEmpty() && !rulesChanged) {
      return new Result(tenant, previous.snapshot(), false, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0);
    }
    // Identifiers are extracted while reading, so only (key, call type, identifiers) of each event
    // is held for sorting, never its JSON.
    IdentifierExtractor extractor = new IdentifierExtractor(rules, phoneRegion);
    List<String> batch = fresh;
    List<Linkable> items = read(batch, extractor);
    boolean rebuild = rulesChanged;
    if (previous.snapshot() > 0) {
      for (Linkable item : items) {
        if (item.compareTo(previous.watermarkMicros(), previous.watermarkMessageId()) <= 0) {
          rebuild = true;
          break;
        }
      }
    }
    IdentityGraph graph = new IdentityGraph(tenant, rules);
    List<Object[]> merges = new ArrayList<>();
    List<Object[]> blocks = new ArrayList<>();
    if (rebuild) {
      extractor = new IdentifierExtractor(rules, phoneRegion);
      batch = all;
      items = read(batch, extractor);
    } else if (previous.snapshot() > 0) {
      restore(graph, previous, tenant, merges, blocks);
    }
    items.sort(Comparator.comparingLong(Linkable::receivedAt).thenComparing(Linkable::messageId));
    List<List<Object[]>> eventIds = new ArrayList<>();
    for (int f = 0; f < batch.size(); f++) {
      eventIds.add(new ArrayList<>());
    }
    long withoutIds = 0;
    long onShared = 0;
    for (Linkable e : items) {
      List<Identifier> ids = e.ids();
      if (ids.isEmpty()) {
        withoutIds++;
        continue;
      }
      graph.link(ids, e.messageId(), e.type(), e.timestamp(), e.receivedAt());
      Identifier primary = ids.get(0);
      if (graph.lastDecidingShared()) {
        onShared++;
        continue;
      }
      eventIds
          .get(e.file())
          .add(
              new Object[] {
                e.messageId(), rules.identifiers().get(primary.type()).type(), primary.value()
              });
    }
    for (var m : graph.merges()) {
      merges.add(
          new Object[] {
            m.fromProfileId(),
            m.intoProfileId(),
            m.rule(),
            m.identifierType(),
            m.identifier(),
            m.messageId(),
            instant(m.mergedAtMicros())
          });
    }
    for (var b : graph.blocks()) {
      blocks.add(
          new Object[] {
            b.profileId(),
            b.otherProfileId(),
            b.rule(),
            b.identifierType(),
            b.identifier(),
            b.messageId(),
            instant(b.blockedAtMicros())
          });
    }
    for (int f = 0; f < batch.size(); f++) {
      store.write(
          CuratedTables.EVENT_IDENTIFIERS, eventIdentifiersKey(batch.get(f)), eventIds.get(f));
    }
    int snapshot = previous.snapshot() + 1;
    Map<String, String> tables = new LinkedHashMap<>();
    // Written column by column straight from the graph's arrays, on every core the function has:
    // a graph of 10^7 identifiers is never held a second time as rows (ADR 0024).
    String graphKey = CuratedStore.snapshotKey("identity_graph", tenant, snapshot);
    store.writeFile(
        graphKey,
        file -> IdentityGraphFile.write(graph, file, Runtime.getRuntime().availableProcessors()));
    tables.put("identity_graph", graphKey);
    write(tables, CuratedTables.PROFILE_MERGES, tenant, snapshot, merges);
    write(tables, CuratedTables.BLOCKED_MERGES, tenant, snapshot, blocks);
    List<Object[]> index = new ArrayList<>();
    for (var p : new TreeMap<>(graph.profiles()).entrySet()) {
      index.add(new Object[] {p.getKey(), instant(p.getValue())});
    }
    write(tables, CuratedTables.PROFILE_INDEX, tenant, snapshot, index);
    List<String> files = new ArrayList<>(previous.files());
    files.addAll(fresh);
    if (rebuild) {
      files = all;
    }
    long watermark = rebuild ? Long.MIN_VALUE : previous.watermarkMicros();
    String watermarkId = rebuild ? "" : previous.watermarkMessageId();
    if (!items.isEmpty()) {
      Linkable last = items.get(items.size() - 1);
      if (last.compareTo(watermark, watermarkId) > 0) {
        watermark = last.receivedAt();
        watermarkId = last.messageId();
      }
    }
    Pointer next =
        new Pointer(
            snapshot,
            previous.generation() + (rebuild ? 1 : 0),
            watermark,
            watermarkId,
            files,
            tables,
            fingerprint);
    Result result =
        new Result(
            tenant,
            snapshot,
            rebuild,
            batch.size(),
            items.size(),
            withoutIds,
            onShared,
            extractor.refused(),
            graph.identifierCount(),
            graph.profileCount(),
            graph.merges().size(),
            graph.blocks().size());
    // The run's figures go next to the stage accounting (ops.curation), before the switch so that
    // a retried run rewrites the same record.
    store
        .objects()
        .put(
            "_ops/curation/tenant="
                + tenant
                + "/snapshot="
                + CuratedStore.snapshotName(snapshot)
                + ".json",
            new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(result));
    store.switchTo(tenant, CuratedStore.IDENTITY, next, previous);
    return result;
  }

  private void write(
      Map<String, String> tables,
      TableSchema schema,
      String tenant,
      int snapshot,
      Iterable<Object[]> rows)
      throws IOException {
    String table = schema == CuratedTables.PROFILE_INDEX ? "_profile_index" : schema.name();
    String key = CuratedStore.snapshotKey(table, tenant, snapshot);
    store.write(schema, key, rows);
    tables.put(table, key);
  }

  /** SHA-256 of the rules as JSON and the phone region: a change rebuilds the tenant's graph. */
  static String fingerprint(IdentityRules rules, String phoneRegion) {
    try {
      byte[] json =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .configure(
                  com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
                  true)
              .writeValueAsBytes(List.of(rules, phoneRegion));
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(json));
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint identity rules", e);
    }
  }

  /** Loads the graph, merges and refused pairs of the snapshot in force. */
  private void restore(
      IdentityGraph graph, Pointer p, String tenant, List<Object[]> merges, List<Object[]> blocks)
      throws IOException {
    Map<String, Integer> ids = new HashMap<>();
    for (Object[] row : store.read(CuratedTables.PROFILE_INDEX, p.tables().get("_profile_index"))) {
      ids.put((String) row[0], graph.restoreProfile((String) row[0], micros((Instant) row[1])));
    }
    // read column by column: the graph's identifiers go into its arenas without a String each
    store.readBatches(
        CuratedTables.IDENTITY_GRAPH,
        p.tables().get("identity_graph"),
        batch -> {
          byte[] typeBytes = batch.bytes(0);
          int[] typeAt = batch.offsets(0);
          byte[] values = batch.bytes(1);
          int[] valueAt = batch.offsets(1);
          byte[] profiles = batch.bytes(2);
          int[] profileAt = batch.offsets(2);
          long[] first = batch.longs(3);
          long[] last = batch.longs(4);
          boolean[] isShared = batch.booleans(5);
          String lastType = null;
          int type = -1;
          for (int i = 0; i < batch.rows(); i++) {
            String typeName =
                new String(
                    typeBytes,
                    typeAt[i],
                    typeAt[i + 1] - typeAt[i],
                    java.nio.charset.StandardCharsets.UTF_8);
            if (!typeName.equals(lastType)) {
              lastType = typeName;
              type = graph.rules().indexOf(typeName);
            }
            Integer profile =
                ids.get(
                    new String(
                        profiles,
                        profileAt[i],
                        profileAt[i + 1] - profileAt[i],
                        java.nio.charset.StandardCharsets.UTF_8));
            if (type < 0 || profile == null) {
              continue; // a type these rules no longer declare: dropped, as before
            }
            graph.restoreNode(
                type,
                values,
                valueAt[i],
                valueAt[i + 1] - valueAt[i],
                profile,
                first[i],
                last[i],
                isShared[i]);
          }
        });
    merges.addAll(store.read(CuratedTables.PROFILE_MERGES, p.tables().get("profile_merges")));
    blocks.addAll(store.read(CuratedTables.BLOCKED_MERGES, p.tables().get("blocked_merges")));
    for (Object[] b : blocks) {
      graph.restoreBlockedPair((String) b[0], (String) b[1]);
    }
  }

  /** What linking needs of one event: its canonical key, call type, time and identifiers. */
  private record Linkable(
      long receivedAt,
      String messageId,
      String type,
      long timestamp,
      List<Identifier> ids,
      int file) {
    int compareTo(long micros, String otherMessageId) {
      int c = Long.compare(receivedAt, micros);
      return c != 0 ? c : messageId.compareTo(otherMessageId);
    }
  }

  /** The events of {@code keys}, their identifiers extracted (and refusals counted) as read. */
  private List<Linkable> read(List<String> keys, IdentifierExtractor extractor) throws IOException {
    List<Linkable> out = new ArrayList<>();
    for (int f = 0; f < keys.size(); f++) {
      for (IdentityEvent e : readEvents(store, keys.get(f))) {
        out.add(
            new Linkable(
                micros(e.receivedAt()),
                e.messageId(),
                e.type(),
                micros(e.timestamp()),
                extractor.extract(e),
                f));
      }
    }
    return out;
  }

  /** The events of one clean-zone file. */
  static List<IdentityEvent> readEvents(CuratedStore store, String key) throws IOException {
    List<IdentityEvent> events = new ArrayList<>();
    for (Object[] r : store.read(EVENT_COLUMNS, key)) {
      events.add(
          new IdentityEvent(
              (String) r[0],
              (String) r[1],
              (String) r[2],
              (String) r[3],
              (String) r[4],
              (String) r[5],
              (Instant) r[6],
              (Instant) r[7],
              (String) r[8],
              (String) r[9],
              (String) r[10]));
    }
    return events;
  }

  /** The curated.event_identifiers key derived from a clean.events key. */
  static String eventIdentifiersKey(String cleanKey) {
    return CuratedStore.CURATED
        + "event_identifiers/"
        + cleanKey.substring("clean/events/".length());
  }

  static long micros(Instant t) {
    return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1_000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }
}
