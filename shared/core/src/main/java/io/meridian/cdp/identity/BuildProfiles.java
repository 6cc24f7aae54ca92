package io.meridian.cdp.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CuratedStore.Pointer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The build-profiles step for one tenant: brings {@code curated.profiles} up to date with the
 * identity graph in force. It folds profiles merged since its last run into their survivors, adds
 * the events of clean files it has not seen (each to the current profile of its deciding
 * identifier), and writes a new snapshot. When the identity step rebuilt its graph, the profiles
 * are rebuilt from all the tenant's events.
 */
public final class BuildProfiles {
  private final CuratedStore store;

  public BuildProfiles(CuratedStore store) {
    this.store = store;
  }

  /** What one run did. */
  public record Result(
      String tenant, int snapshot, boolean rebuilt, int filesRead, long events, long profiles) {
    public boolean noop() {
      return filesRead == 0;
    }
  }

  public Result run(String tenant, IdentityRules rules) throws IOException {
    return run(tenant, rules, AudienceTraits.Layout.none());
  }

  /**
   * Like {@link #run(String, IdentityRules)}, and writes beside the profiles the private {@link
   * AudienceTraits#TABLE} table with the columns and trait paths of {@code audienceTraits} (the
   * ones the tenant's segments read) for every profile, so that segments computed by DuckDB read
   * typed columns instead of parsing the traits JSON (ADR 0032). No such table when it is empty.
   */
  public Result run(String tenant, IdentityRules rules, AudienceTraits.Layout audienceTraits)
      throws IOException {
    AudienceTraits.Rows indexRows = audienceTraits.isEmpty() ? null : audienceTraits.rows();
    Pointer identity = store.pointer(tenant, CuratedStore.IDENTITY).orElse(null);
    if (identity == null) {
      return new Result(tenant, 0, false, 0, 0, 0);
    }
    Pointer previous = store.pointer(tenant, CuratedStore.PROFILES).orElse(Pointer.initial());
    boolean rebuild =
        previous.snapshot() > 0
            && (previous.generation() != identity.generation()
                || !previous.rules().equals(identity.rules()));
    Set<String> done = rebuild ? Set.of() : new HashSet<>(previous.files());
    List<String> fresh = identity.files().stream().filter(k -> !done.contains(k)).toList();
    if (fresh.isEmpty()) {
      return new Result(tenant, previous.snapshot(), false, 0, 0, 0);
    }
    Map<String, ProfileAggregate> profiles = new HashMap<>();
    if (previous.snapshot() > 0 && !rebuild) {
      for (Object[] row :
          store.read(CuratedTables.PROFILE_STATE, previous.tables().get("_profile_state"))) {
        profiles.put(
            (String) row[0], ProfileAggregate.fromJson(Json.MAPPER.readTree((String) row[1])));
      }
    }
    for (Object[] m :
        store.read(CuratedTables.PROFILE_MERGES, identity.tables().get("profile_merges"))) {
      ProfileAggregate from = profiles.remove((String) m[0]);
      if (from != null) {
        profiles.computeIfAbsent((String) m[1], k -> new ProfileAggregate()).merge(from, rules);
      }
    }
    Map<String, Long> created = new HashMap<>();
    for (Object[] row :
        store.read(CuratedTables.PROFILE_INDEX, identity.tables().get("_profile_index"))) {
      created.put((String) row[0], ResolveIdentities.micros((Instant) row[1]));
    }
    Map<String, String> profileOf = new HashMap<>();
    Map<String, Map<String, List<String>>> identifiers = new HashMap<>();
    Map<String, long[]> seen = new HashMap<>();
    for (Object[] row :
        store.read(CuratedTables.IDENTITY_GRAPH, identity.tables().get("identity_graph"))) {
      String profile = (String) row[2];
      long first = ResolveIdentities.micros((Instant) row[3]);
      long last = ResolveIdentities.micros((Instant) row[4]);
      seen.merge(
          profile,
          new long[] {first, last},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
      profileOf.put(row[0] + "\u0000" + row[1], profile);
      identifiers
          .computeIfAbsent(profile, k -> new TreeMap<>())
          .computeIfAbsent((String) row[0], k -> new ArrayList<>())
          .add((String) row[1]);
    }
    long events = 0;
    for (String cleanKey : fresh) {
      Map<String, String> deciding = new HashMap<>();
      for (Object[] row :
          store.read(
              CuratedTables.EVENT_IDENTIFIERS, ResolveIdentities.eventIdentifiersKey(cleanKey))) {
        deciding.put((String) row[0], row[1] + "\u0000" + row[2]);
      }
      for (IdentityEvent e : ResolveIdentities.readEvents(store, cleanKey)) {
        String id = deciding.get(e.messageId());
        String profile = id == null ? null : profileOf.get(id);
        if (profile == null) {
          continue; // an event without any usable identifier belongs to no profile
        }
        profiles.computeIfAbsent(profile, k -> new ProfileAggregate()).add(e, rules);
        events++;
      }
    }
    int snapshot = previous.snapshot() + 1;
    List<Object[]> rows = new ArrayList<>(profiles.size());
    List<Object[]> state = new ArrayList<>(profiles.size());
    List<Object[]> consentHistory = new ArrayList<>();
    Map<String, Object[]> indexed = new HashMap<>();
    List<String> order = new ArrayList<>(identifiers.keySet());
    for (String id : profiles.keySet()) {
      if (!identifiers.containsKey(id)) {
        order.add(id);
      }
    }
    order.sort(null);
    for (String id : order) {
      ProfileAggregate a = profiles.get(id);
      if (a == null) {
        // A profile of the graph that no event belongs to (an identifier that fitted no other
        // profile, seen only in events decided by another): a row from its identifiers, kept out of
        // the state so that incremental and from-scratch runs stay equal.
        ProfileAggregate empty = new ProfileAggregate();
        empty.createdAt = created.getOrDefault(id, seen.get(id)[0]);
        empty.updatedAt = empty.createdAt;
        empty.firstSeen = seen.get(id)[0];
        empty.lastSeen = seen.get(id)[1];
        ObjectNode traits = empty.traits();
        Object[] row = empty.row(id, identifiersJson(identifiers.get(id), rules), traits);
        rows.add(row);
        if (indexRows != null) {
          indexed.put(id, indexRows.of(row, traits));
        }
        continue;
      }
      a.createdAt = created.getOrDefault(id, a.createdAt);
      ObjectNode traits = a.traits();
      Object[] row = a.row(id, identifiersJson(identifiers.get(id), rules), traits);
      rows.add(row);
      if (indexRows != null) {
        indexed.put(id, indexRows.of(row, traits));
      }
      consentHistory.addAll(a.consentHistory(id));
      state.add(new Object[] {id, a.toJson().toString()});
    }
    rows.sort(CuratedTables.PROFILES_ORDER);
    Map<String, String> tables = new LinkedHashMap<>();
    String profilesKey = CuratedStore.snapshotKey("profiles", tenant, snapshot);
    store.write(CuratedTables.PROFILES, profilesKey, rows);
    tables.put("profiles", profilesKey);
    String historyKey =
        CuratedStore.snapshotKey(CuratedTables.CONSENT_HISTORY.name(), tenant, snapshot);
    store.write(CuratedTables.CONSENT_HISTORY, historyKey, consentHistory);
    tables.put(CuratedTables.CONSENT_HISTORY.name(), historyKey);
    String stateKey = CuratedStore.snapshotKey("_profile_state", tenant, snapshot);
    store.write(CuratedTables.PROFILE_STATE, stateKey, state);
    tables.put("_profile_state", stateKey);
    if (indexRows != null) {
      String indexKey = CuratedStore.snapshotKey(AudienceTraits.TABLE, tenant, snapshot);
      store.write(
          audienceTraits.schema(),
          indexKey,
          () -> rows.stream().map(r -> indexed.get((String) r[0])).iterator());
      tables.put(AudienceTraits.TABLE, indexKey);
    }
    List<String> files = new ArrayList<>(done);
    files.addAll(fresh);
    files.sort(null);
    store.switchTo(
        tenant,
        CuratedStore.PROFILES,
        new Pointer(
            snapshot,
            identity.generation(),
            0,
            "",
            files,
            tables,
            identity.rules(),
            audienceTraits),
        previous);
    return new Result(tenant, snapshot, rebuild, fresh.size(), events, profiles.size());
  }

  /** {type: [values]} in the rules' priority order. */
  private static JsonNode identifiersJson(Map<String, List<String>> ids, IdentityRules rules) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (ids == null) {
      return out;
    }
    for (String type : rules.typeNames()) {
      List<String> values = ids.get(type);
      if (values != null) {
        ArrayNode a = out.putArray(type);
        values.stream().sorted().forEach(a::add);
      }
    }
    return out;
  }
}
