package io.meridian.cdp.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedStore.Pointer;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.segment.SegmentTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Profiles of the curated zone, read for lookups by profile id or identifier. Reads the snapshot
 * files the tenant's pointers name (identity graph, merges, profiles, segment membership) through
 * the object store — no SQL engine, so it serves from a Lambda as well as locally — and keeps them
 * in memory per tenant until a pointer moves. Pointers are re-read at most once per {@code
 * recheck}. Memory grows with the tenant (about 1 KB per profile); ADR 0016 says where that ends.
 */
public final class CuratedProfiles {
  private final CuratedStore store;
  private final Duration recheck;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public CuratedProfiles(CuratedStore store, Duration recheck, Clock clock) {
    this.store = store;
    this.recheck = recheck;
    this.clock = clock;
  }

  /** The profile {@code profileId}, or the profile it was merged into. */
  public Optional<ProfileView> byId(String tenant, String profileId) {
    Snapshot s = snapshot(tenant);
    String id = profileId;
    for (int hops = 0; hops < 1_000 && s.mergedInto.containsKey(id); hops++) {
      id = s.mergedInto.get(id);
    }
    return s.view(tenant, id);
  }

  /** The profile holding identifier {@code value} (already normalized) of type {@code type}. */
  public Optional<ProfileView> byIdentifier(String tenant, String type, String value) {
    Snapshot s = snapshot(tenant);
    String id = s.byIdentifier.get(key(type, value));
    return id == null ? Optional.empty() : s.view(tenant, id);
  }

  private static String key(String type, String value) {
    return type + '\u0000' + value;
  }

  private record Cached(String version, Instant checkedAt, Snapshot snapshot) {}

  private Snapshot snapshot(String tenant) {
    Instant now = clock.instant();
    Cached c = cache.get(tenant);
    if (c != null && now.isBefore(c.checkedAt.plus(recheck))) {
      return c.snapshot;
    }
    try {
      Optional<Pointer> identity = store.pointer(tenant, CuratedStore.IDENTITY);
      Optional<Pointer> profiles = store.pointer(tenant, CuratedStore.PROFILES);
      Optional<Pointer> segments = store.pointer(tenant, SegmentTables.STEP);
      String version =
          identity.map(Pointer::snapshot).orElse(0)
              + "/"
              + profiles.map(Pointer::snapshot).orElse(0)
              + "/"
              + segments.map(Pointer::snapshot).orElse(0);
      Snapshot s =
          c != null && c.version.equals(version)
              ? c.snapshot
              : load(identity.orElse(null), profiles.orElse(null), segments.orElse(null));
      cache.put(tenant, new Cached(version, now, s));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the curated profiles of " + tenant, e);
    }
  }

  private Snapshot load(Pointer identity, Pointer profiles, Pointer segments) throws IOException {
    Snapshot s = new Snapshot();
    if (profiles != null && profiles.tables().containsKey(CuratedTables.PROFILES.name())) {
      for (Object[] row :
          store.read(
              CuratedTables.PROFILES, profiles.tables().get(CuratedTables.PROFILES.name()))) {
        s.profiles.put((String) row[0], row);
      }
    }
    if (identity != null) {
      String graph = identity.tables().get(CuratedTables.IDENTITY_GRAPH.name());
      if (graph != null) {
        for (Object[] r : store.read(CuratedTables.IDENTITY_GRAPH, graph)) {
          ProfileView.Identifier id =
              new ProfileView.Identifier(
                  (String) r[0], (String) r[1], (Instant) r[3], (Instant) r[4], (Boolean) r[5]);
          s.identifiers.computeIfAbsent((String) r[2], k -> new ArrayList<>()).add(id);
          s.byIdentifier.put(key(id.type(), id.value()), (String) r[2]);
        }
      }
      String merges = identity.tables().get(CuratedTables.PROFILE_MERGES.name());
      if (merges != null) {
        for (Object[] r : store.read(CuratedTables.PROFILE_MERGES, merges)) {
          s.mergedInto.put((String) r[0], (String) r[1]);
          s.mergedFrom.computeIfAbsent((String) r[1], k -> new ArrayList<>()).add((String) r[0]);
        }
      }
    }
    if (segments != null && segments.tables().containsKey(SegmentTables.MEMBERSHIP.name())) {
      for (Object[] r :
          store.readAll(
              SegmentTables.MEMBERSHIP, segments.tables().get(SegmentTables.MEMBERSHIP.name()))) {
        s.segments
            .computeIfAbsent((String) r[1], k -> new ArrayList<>())
            .add(new ProfileView.Membership((String) r[0], (Instant) r[2]));
      }
    }
    s.identifiers
        .values()
        .forEach(
            l ->
                l.sort(
                    Comparator.comparing(ProfileView.Identifier::firstSeen)
                        .thenComparing(ProfileView.Identifier::type)
                        .thenComparing(ProfileView.Identifier::value)));
    s.segments
        .values()
        .forEach(l -> l.sort(Comparator.comparing(ProfileView.Membership::segmentId)));
    return s;
  }

  /** One tenant's curated state in memory. */
  private static final class Snapshot {
    final Map<String, Object[]> profiles = new HashMap<>();
    final Map<String, List<ProfileView.Identifier>> identifiers = new HashMap<>();
    final Map<String, String> byIdentifier = new HashMap<>();
    final Map<String, String> mergedInto = new HashMap<>();
    final Map<String, List<String>> mergedFrom = new HashMap<>();
    final Map<String, List<ProfileView.Membership>> segments = new HashMap<>();

    Optional<ProfileView> view(String tenant, String profileId) {
      Object[] row = profiles.get(profileId);
      if (row == null) {
        return Optional.empty();
      }
      List<String> merged = new ArrayList<>();
      List<String> todo = new ArrayList<>(mergedFrom.getOrDefault(profileId, List.of()));
      while (!todo.isEmpty()) {
        String from = todo.remove(todo.size() - 1);
        merged.add(from);
        todo.addAll(mergedFrom.getOrDefault(from, List.of()));
      }
      merged.sort(null);
      ObjectNode computed = JsonNodeFactory.instance.objectNode();
      JsonNode consent = JsonNodeFactory.instance.objectNode();
      List<Column> columns = CuratedTables.PROFILES.columns();
      for (int i = 0; i < columns.size(); i++) {
        String name = columns.get(i).name();
        switch (name) {
          case "profile_id", "created_at", "updated_at", "traits", "identifiers" -> {}
          case "consent" -> consent = row[i] == null ? consent : json((String) row[i]);
          case "event_counts" -> computed.set(name, json((String) row[i]));
          default -> computed.set(name, scalar(row[i]));
        }
      }
      return Optional.of(
          new ProfileView(
              tenant,
              profileId,
              merged,
              (Instant) row[1],
              (Instant) row[2],
              json((String) row[3]),
              computed,
              consent,
              identifiers.getOrDefault(profileId, List.of()),
              segments.getOrDefault(profileId, List.of())));
    }

    private static JsonNode scalar(Object v) {
      JsonNodeFactory f = JsonNodeFactory.instance;
      if (v == null) {
        return f.nullNode();
      }
      if (v instanceof Instant t) {
        return f.textNode(t.toString());
      }
      if (v instanceof Long l) {
        return f.numberNode(l);
      }
      if (v instanceof Integer n) {
        return f.numberNode(n);
      }
      if (v instanceof Double d) {
        return f.numberNode(d);
      }
      return f.textNode(String.valueOf(v));
    }

    private static JsonNode json(String text) {
      try {
        return Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("curated.profiles holds invalid JSON", e);
      }
    }
  }
}
