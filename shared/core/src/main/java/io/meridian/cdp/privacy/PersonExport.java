package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CuratedErasure;
import io.meridian.cdp.identity.CuratedErasure.Person;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.segment.SegmentTables;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the lake holds about one person, as one JSON document (right of access, GDPR Art. 15,
 * CCPA): the profile with its traits, computed traits and consent, the identifiers, merges and
 * refused links, the consent history, segment memberships and changes, and the person's events from
 * the clean zone. Each request is recorded in the audit log with the identifier hashed.
 */
public final class PersonExport {
  private final CuratedStore curated;
  private final PrivacyKeys keys;
  private final AuditLog audit;
  private final Clock clock;

  public PersonExport(
      ObjectStore store, Path workDir, PrivacyKeys keys, AuditLog audit, Clock clock) {
    this.curated = new CuratedStore(store, workDir);
    this.keys = keys;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * The person holding {@code value} of {@code type}, or empty when no profile holds it.
   *
   * @throws IllegalArgumentException when the type is not configured or the value is unusable
   */
  public Optional<ObjectNode> export(
      TenantConfig tenant, String type, String value, String reason, String actor)
      throws IOException {
    Erasure.Subject subject = Erasure.Subject.of(tenant, type, value, keys);
    AuditEvent event =
        new AuditEvent(actor, "privacy.export", "tenant:" + tenant.id(), reason, "success", null)
            .with("identifier_type", subject.type())
            .with("identifier_hash", subject.hash());
    if (audit != null) {
      audit.requireAppendable();
    }
    CuratedErasure erasure = new CuratedErasure(curated);
    Optional<Person> found = erasure.find(tenant.id(), subject.type(), subject.value());
    if (found.isEmpty()) {
      if (audit != null) {
        audit.append(
            new AuditEvent(
                    actor,
                    "privacy.export",
                    "tenant:" + tenant.id(),
                    reason,
                    "failure",
                    event.details())
                .with("result", "not_found"));
      }
      return Optional.empty();
    }
    Person person = found.get();
    Map<String, List<Object[]>> rows = erasure.rowsOf(tenant.id(), person.profileIds());
    PersonEvents.Found events = PersonEvents.find(curated, tenant, person);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("tenant", tenant.id());
    out.put("exportedAt", clock.instant().toString());
    out.put("profileId", person.profileId());
    ArrayNode merged = out.putArray("mergedProfileIds");
    person.profileIds().stream()
        .filter(p -> !p.equals(person.profileId()))
        .sorted()
        .forEach(merged::add);
    List<Object[]> profile = rows.get("profiles");
    out.set(
        "profile",
        profile.isEmpty()
            ? Json.MAPPER.nullNode()
            : object(CuratedTables.PROFILES, profile.get(0)));
    out.set("identifiers", array(CuratedTables.IDENTITY_GRAPH, rows.get("identity_graph")));
    out.set("merges", array(CuratedTables.PROFILE_MERGES, rows.get("profile_merges")));
    out.set("refusedLinks", array(CuratedTables.BLOCKED_MERGES, rows.get("blocked_merges")));
    out.set("consentHistory", array(CuratedTables.CONSENT_HISTORY, rows.get("consent_history")));
    out.set("segmentMemberships", array(SegmentTables.MEMBERSHIP, rows.get("segment_membership")));
    out.set("segmentChanges", array(SegmentTables.CHANGES, rows.get("segment_changes")));
    out.set(
        "events",
        array(
            CleanTables.EVENTS,
            PersonEvents.rows(curated, events.cleanFiles(), events.messageIds())));
    if (audit != null) {
      audit.append(
          event
              .with("profile_id", person.profileId())
              .with("events", Integer.toString(events.messageIds().size())));
    }
    return Optional.of(out);
  }

  private static ArrayNode array(TableSchema schema, List<Object[]> rows) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (Object[] row : rows) {
      a.add(object(schema, row));
    }
    return a;
  }

  private static ObjectNode object(TableSchema schema, Object[] row) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    for (int i = 0; i < schema.columns().size() && i < row.length; i++) {
      Column c = schema.columns().get(i);
      Object v = row[i];
      if (v == null) {
        o.putNull(c.name());
      } else if (c.type() == ColumnType.JSON) {
        o.set(c.name(), parse((String) v));
      } else {
        o.set(
            c.name(), Json.MAPPER.valueToTree(v instanceof java.time.Instant t ? t.toString() : v));
      }
    }
    return o;
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(text);
    }
  }
}
