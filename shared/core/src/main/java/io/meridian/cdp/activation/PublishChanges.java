package io.meridian.cdp.activation;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedStore.Pointer;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.profile.ProfileView;
import io.meridian.cdp.segment.ComputeSegments;
import io.meridian.cdp.segment.Segment;
import io.meridian.cdp.segment.SegmentTables;
import io.meridian.cdp.segment.Segments;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The publish-changes step: turns the segment changes of every run not yet published into {@code
 * Segment Membership Changed} events — with the traits and identifiers the segment asks for and the
 * profile's consent — and hands them to the tenant's {@link EventPublisher}. Its progress is a
 * small pointer ({@code _state/curated/tenant=T/activation.json}) advanced only after the publisher
 * returned, so a crash re-publishes the same events with the same ids (at-least-once; receivers
 * dedupe by id).
 */
public final class PublishChanges {
  /** The step's pointer name. */
  public static final String STEP = "activation";

  private static final int CHUNK = 1_000;

  private final CuratedStore store;
  private final EventPublisher publisher;
  private Suppression suppression;

  public PublishChanges(CuratedStore store, EventPublisher publisher) {
    this.store = store;
    this.publisher = publisher;
  }

  /**
   * Never publishes a change of a profile holding an identifier on the tenant's suppression list
   * (an erased person seen again before ingestion refused them, docs/PRIVACY.md); counted as {@code
   * suppressed}.
   */
  public PublishChanges withSuppression(Suppression suppression) {
    this.suppression = suppression;
    return this;
  }

  /**
   * What a run did.
   *
   * @param published the segments snapshot published up to, after the run
   */
  public record Result(
      String tenant,
      int published,
      int events,
      int unmatched,
      long delivered,
      long deadLettered,
      long excludedByConsent,
      List<DestinationReport> destinations,
      boolean noop,
      long suppressed) {
    public Result {
      destinations = List.copyOf(destinations);
    }
  }

  record Progress(int published) {}

  public Result run(String tenant, Segments segments) throws IOException {
    int current = store.pointer(tenant, SegmentTables.STEP).map(Pointer::snapshot).orElse(0);
    String progressKey = CuratedStore.pointerKey(tenant, STEP);
    int published =
        store.objects().get(progressKey).map(b -> readProgress(b).published()).orElse(0);
    if (published >= current) {
      return new Result(tenant, published, 0, 0, 0, 0, 0, List.of(), true, 0);
    }
    // one snapshot of the profiles for the whole run: it does not change while we publish
    CuratedProfiles profiles = new CuratedProfiles(store, Duration.ofDays(1), Clock.systemUTC());
    List<ActivationEvent> events = new ArrayList<>();
    long suppressed = 0;
    for (int run = published + 1; run <= current; run++) {
      // the run's directory: one file written locally, the files of an UNLOAD on AWS; a run
      // without changes writes none
      for (Object[] c :
          store.readAll(SegmentTables.CHANGES, ComputeSegments.changesPrefix(tenant, run))) {
        if (isSuppressed(tenant, profiles, (String) c[1])) {
          suppressed++;
          continue;
        }
        events.add(event(tenant, segments, profiles, c));
      }
    }
    int unmatched = 0;
    Map<String, DestinationReport> byDestination = new LinkedHashMap<>();
    for (int from = 0; from < events.size(); from += CHUNK) {
      PublishReport r =
          publisher.publish(events.subList(from, Math.min(events.size(), from + CHUNK)));
      unmatched += r.unmatched();
      for (DestinationReport d : r.destinations()) {
        byDestination.merge(d.tenant() + "/" + d.destination(), d, PublishChanges::sum);
      }
    }
    store.objects().put(progressKey, Json.MAPPER.writeValueAsBytes(new Progress(current)));
    List<DestinationReport> reports = new ArrayList<>(byDestination.values());
    return new Result(
        tenant,
        current,
        events.size(),
        unmatched,
        reports.stream().mapToLong(DestinationReport::delivered).sum(),
        reports.stream().mapToLong(DestinationReport::deadLettered).sum(),
        reports.stream().mapToLong(DestinationReport::excludedByConsent).sum(),
        reports,
        false,
        suppressed);
  }

  private boolean isSuppressed(String tenant, CuratedProfiles profiles, String profileId) {
    if (suppression == null || suppression.hashes(tenant).isEmpty()) {
      return false;
    }
    Optional<ProfileView> view = profiles.byId(tenant, profileId);
    if (view.isEmpty()) {
      return false;
    }
    Map<String, List<String>> ids = new TreeMap<>();
    for (ProfileView.Identifier i : view.get().identifiers()) {
      ids.computeIfAbsent(i.type(), k -> new ArrayList<>()).add(i.value());
    }
    return suppression.anySuppressed(tenant, ids);
  }

  private static DestinationReport sum(DestinationReport a, DestinationReport b) {
    return new DestinationReport(
        a.tenant(),
        a.destination(),
        a.matched() + b.matched(),
        a.excludedByConsent() + b.excludedByConsent(),
        a.delivered() + b.delivered(),
        a.deadLettered() + b.deadLettered(),
        a.retries() + b.retries());
  }

  private static Progress readProgress(byte[] bytes) {
    try {
      return Json.MAPPER.readValue(bytes, Progress.class);
    } catch (IOException e) {
      throw new IllegalStateException("the activation pointer is not valid JSON", e);
    }
  }

  /** The event of one {@code segment_changes} row. */
  private static ActivationEvent event(
      String tenant, Segments segments, CuratedProfiles profiles, Object[] change) {
    String segmentId = (String) change[0];
    String profileId = (String) change[1];
    Optional<Segment> segment = segments.find(segmentId);
    Map<String, Object> traits = new TreeMap<>();
    Map<String, List<String>> identifiers = new TreeMap<>();
    Map<String, Boolean> consent = new TreeMap<>();
    // A profile merged away since resolves to its survivor: its exit carries only its id, so a
    // destination does not remove the survivor's identifiers.
    Optional<ProfileView> view =
        profiles.byId(tenant, profileId).filter(p -> p.profileId().equals(profileId));
    if (view.isPresent()) {
      ProfileView p = view.get();
      for (String name : segment.map(Segment::activationTraits).orElse(List.of())) {
        JsonNode v = p.traits().has(name) ? p.traits().get(name) : p.computedTraits().get(name);
        if (v != null && !v.isNull()) {
          traits.put(name, Json.MAPPER.convertValue(v, Object.class));
        }
      }
      List<String> types = segment.map(Segment::activationIdentifiers).orElse(List.of());
      for (ProfileView.Identifier i : p.identifiers()) {
        if (types.isEmpty() || types.contains(i.type())) {
          identifiers.computeIfAbsent(i.type(), k -> new ArrayList<>()).add(i.value());
        }
      }
      // the profile's latest context.consent decisions and a consent object among its traits
      consent.putAll(Consent.of(p.consent(), p.traits().get("consent")));
    }
    return MembershipChangeEvents.of(
        tenant,
        segmentId,
        segment.map(Segment::name).orElse(segmentId),
        profileId,
        (String) change[2],
        (Instant) change[3],
        (String) change[4],
        traits,
        identifiers,
        consent);
  }
}
