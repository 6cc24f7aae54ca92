package io.meridian.cdp.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One unified profile as the profile API returns it: traits, computed traits, consent, identifiers
 * and segment memberships.
 *
 * @param mergedProfileIds ids of profiles merged into this one (they resolve to it)
 * @param computedTraits the typed computed traits of {@code curated.profiles} by column name
 */
public record ProfileView(
    String tenant,
    String profileId,
    List<String> mergedProfileIds,
    Instant createdAt,
    Instant updatedAt,
    JsonNode traits,
    ObjectNode computedTraits,
    JsonNode consent,
    List<Identifier> identifiers,
    List<Membership> segments) {

  public ProfileView {
    mergedProfileIds = List.copyOf(mergedProfileIds);
    identifiers = List.copyOf(identifiers);
    segments = List.copyOf(segments);
  }

  /** One identifier of the profile, as in {@code curated.identity_graph}. */
  public record Identifier(
      String type, String value, Instant firstSeen, Instant lastSeen, boolean shared) {}

  /** Membership of one segment, as in {@code curated.segment_membership}. */
  public record Membership(String segmentId, Instant enteredAt) {}

  /** The response body: snake_case fields, ISO-8601 UTC times. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("tenant", tenant).put("profile_id", profileId);
    ArrayNode merged = o.putArray("merged_profile_ids");
    mergedProfileIds.forEach(merged::add);
    o.put("created_at", createdAt.toString()).put("updated_at", updatedAt.toString());
    o.set("traits", traits);
    o.set("computed_traits", computedTraits);
    o.set("consent", consent);
    ArrayNode ids = o.putArray("identifiers");
    for (Identifier i : identifiers) {
      ids.addObject()
          .put("type", i.type())
          .put("value", i.value())
          .put("first_seen", i.firstSeen().toString())
          .put("last_seen", i.lastSeen().toString())
          .put("shared", i.shared());
    }
    ArrayNode segs = o.putArray("segments");
    for (Membership m : segments) {
      segs.addObject().put("segment_id", m.segmentId()).put("entered_at", m.enteredAt().toString());
    }
    return o;
  }
}
