package io.meridian.cdp.activation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.tenant.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@code Segment Membership Changed} event (schema {@code
 * events/segment-membership-changed/segment-membership-changed-v1.schema.json}) from one row of
 * {@code curated.segment_changes} plus the profile data chosen for the segment.
 */
public final class MembershipChangeEvents {
  /** EventBridge {@code source} of every event the CDP publishes. */
  public static final String SOURCE = "meridian.cdp";

  /** EventBridge {@code detail-type} of a membership change. */
  public static final String DETAIL_TYPE = "Segment Membership Changed";

  /** {@code change} of a profile that joined the segment. */
  public static final String ENTERED = "entered";

  /** {@code change} of a profile that left the segment. */
  public static final String EXITED = "exited";

  private MembershipChangeEvents() {}

  /**
   * The event for one membership change.
   *
   * @param tenant the tenant id
   * @param segmentId the segment id
   * @param segmentName the segment's display name; null or blank means the id
   * @param profileId the profile that entered or exited
   * @param change {@value #ENTERED} or {@value #EXITED}
   * @param changedAt when the change was computed ({@code segment_changes.changed_at})
   * @param runId the run that computed it ({@code segment_changes.run_id})
   * @param traits the traits chosen for the segment (may be null or empty); values are written as
   *     JSON (strings, numbers, booleans, lists, maps, java.time values as ISO-8601)
   * @param identifiers identifier type to values (may be null or empty)
   * @param consent purpose to consent (may be null or empty); a destination with a consent purpose
   *     skips profiles whose value for that purpose is {@code false}
   * @throws IllegalArgumentException naming the field when a required value is missing or invalid
   */
  public static ActivationEvent of(
      String tenant,
      String segmentId,
      String segmentName,
      String profileId,
      String change,
      Instant changedAt,
      String runId,
      Map<String, Object> traits,
      Map<String, List<String>> identifiers,
      Map<String, Boolean> consent) {
    Ids.require("tenant", tenant);
    requireText("segment id", segmentId);
    requireText("profile id", profileId);
    requireText("run id", runId);
    if (!ENTERED.equals(change) && !EXITED.equals(change)) {
      throw new IllegalArgumentException(
          "change must be '" + ENTERED + "' or '" + EXITED + "', not '" + change + "'");
    }
    if (changedAt == null) {
      throw new IllegalArgumentException("changed_at must be given");
    }
    String id = eventId(tenant, segmentId, profileId, change, runId);
    ObjectNode detail = ActivationJson.MAPPER.createObjectNode();
    detail.put("event_id", id);
    detail.put("tenant", tenant);
    ObjectNode segment = detail.putObject("segment");
    segment.put("id", segmentId);
    segment.put("name", segmentName == null || segmentName.isBlank() ? segmentId : segmentName);
    detail.put("profile_id", profileId);
    detail.put("change", change);
    detail.put("changed_at", changedAt.toString());
    detail.put("run_id", runId);
    JsonNode traitsNode =
        ActivationJson.MAPPER.valueToTree(traits == null ? Map.of() : new TreeMap<>(traits));
    detail.set("traits", traitsNode);
    ObjectNode ids = detail.putObject("identifiers");
    if (identifiers != null) {
      new TreeMap<>(identifiers)
          .forEach(
              (type, values) -> {
                requireText("identifier type", type);
                var array = ids.putArray(type);
                if (values != null) {
                  values.forEach(array::add);
                }
              });
    }
    ObjectNode consentNode = detail.putObject("consent");
    if (consent != null) {
      new TreeMap<>(consent)
          .forEach(
              (purpose, granted) -> {
                requireText("consent purpose", purpose);
                if (granted == null) {
                  throw new IllegalArgumentException(
                      "consent for purpose '" + purpose + "' must be true or false, not null");
                }
                consentNode.put(purpose, granted);
              });
    }
    return new ActivationEvent(id, SOURCE, DETAIL_TYPE, tenant, changedAt, detail);
  }

  /**
   * The deterministic id of a change: the first 128 bits of SHA-256 over tenant, segment, profile,
   * change and run id (separated by NUL), formatted as a UUID (version 8, RFC 9562).
   */
  public static String eventId(
      String tenant, String segmentId, String profileId, String change, String runId) {
    byte[] hash = sha256(String.join("\u0000", tenant, segmentId, profileId, change, runId));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x80);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    String hex = HexFormat.of().formatHex(hash, 0, 16);
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  private static void requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
