package io.meridian.cdp.privacy;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.clean.DroppedDuplicates;
import io.meridian.cdp.identity.CuratedErasure;
import io.meridian.cdp.identity.CuratedErasure.Person;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import io.meridian.cdp.identity.IdentityEvent;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A person's events in the clean zone: every event that carries one of their identifiers that is
 * not shared with other people (so events decided by any of their identifiers, and anonymous or
 * shared-device events that also carry one of them). Found by reading the tenant's clean files with
 * the tenant's identity rules, as identity resolution extracts identifiers.
 */
final class PersonEvents {
  /** Columns read to find a person's events. */
  static final TableSchema SCAN =
      CleanTables.EVENTS.project(
          "source",
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

  private PersonEvents() {}

  /**
   * @param quarantineIds message ids of quarantined calls (rejected by validation) that carry one
   *     of the person's identifiers
   */
  record Found(
      Set<String> messageIds,
      Set<String> cleanFiles,
      Set<String> rawObjects,
      Set<String> quarantineIds,
      Set<String> quarantineFiles) {}

  static Found find(CuratedStore store, TenantConfig tenant, Person person) throws IOException {
    Set<String> wanted = new HashSet<>();
    for (CuratedErasure.Identifier id : person.identifiers()) {
      if (!id.shared()) {
        wanted.add(id.type() + "\u0000" + id.value());
      }
    }
    IdentityRules rules = tenant.identityRules();
    IdentifierExtractor extractor = new IdentifierExtractor(rules, tenant.defaultPhoneRegion());
    Set<String> messageIds = new TreeSet<>();
    Set<String> files = new TreeSet<>();
    Set<String> raw = new TreeSet<>();
    for (String key : cleanFiles(store, tenant.id())) {
      for (Object[] r : store.read(SCAN, key)) {
        IdentityEvent e = event(r);
        for (Identifier id : extractor.extract(e)) {
          if (wanted.contains(rules.identifiers().get(id.type()).type() + "\u0000" + id.value())) {
            messageIds.add(e.messageId());
            files.add(key);
            String rawKey = rawKeyOf(key, (String) r[0]);
            if (rawKey != null) {
              raw.add(rawKey);
            }
            break;
          }
        }
      }
    }
    Set<String> quarantineIds = new TreeSet<>();
    Set<String> quarantineFiles = new TreeSet<>();
    for (String key : store.objects().list("quarantine/records/tenant=" + tenant.id() + "/")) {
      if (!key.endsWith(".parquet")) {
        continue;
      }
      for (Object[] r : store.read(CleanTables.QUARANTINE, key)) {
        // source, message_id, received_at, reason, field, detail, payload, raw_object
        if (r[1] == null || r[6] == null) {
          continue; // an unreadable envelope: no message id to find its raw line by
        }
        com.fasterxml.jackson.databind.JsonNode payload;
        try {
          payload = io.meridian.cdp.event.Json.MAPPER.readTree((String) r[6]);
        } catch (IOException | RuntimeException e) {
          continue; // not JSON: identifiers cannot be told apart from any other text
        }
        if (payload == null || !payload.isObject()) {
          continue;
        }
        for (Identifier id : extractor.extract(Suppression.asEvent(payload))) {
          if (wanted.contains(rules.identifiers().get(id.type()).type() + "\u0000" + id.value())) {
            quarantineIds.add((String) r[1]);
            quarantineFiles.add(key);
            raw.add((String) r[7]);
            break;
          }
        }
      }
    }
    // Copies of the person's calls that a client sent again into another raw object: dropped as
    // duplicates, so no clean row points to their raw lines.
    raw.addAll(DroppedDuplicates.rawObjectsHolding(store.objects(), tenant.id(), messageIds));
    return new Found(messageIds, files, raw, quarantineIds, quarantineFiles);
  }

  static List<String> cleanFiles(CuratedStore store, String tenant) throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.objects().list("clean/events/tenant=" + tenant + "/")) {
      if (key.endsWith(".parquet")) {
        out.add(key);
      }
    }
    return out;
  }

  private static IdentityEvent event(Object[] r) {
    return new IdentityEvent(
        (String) r[1],
        (String) r[2],
        (String) r[3],
        (String) r[4],
        (String) r[5],
        (String) r[6],
        (Instant) r[7],
        (Instant) r[8],
        (String) r[9],
        (String) r[10],
        (String) r[11]);
  }

  /**
   * The raw object a clean file was converted from: clean files are named {@code
   * <source>-h<HH>-<batch>.parquet} in the raw object's day (LakeLayout.RawObject.partId).
   */
  static String rawKeyOf(String cleanKey, String source) {
    String prefix = "clean/events/tenant=";
    int slash = cleanKey.indexOf('/', prefix.length());
    int dtEnd = cleanKey.indexOf('/', slash + 1);
    if (slash < 0 || dtEnd < 0) {
      return null;
    }
    String tenant = cleanKey.substring(prefix.length(), slash);
    String dt = cleanKey.substring(slash + 1 + "dt=".length(), dtEnd);
    String part = cleanKey.substring(dtEnd + 1, cleanKey.length() - ".parquet".length());
    String head = source + "-h";
    if (!part.startsWith(head) || part.length() < head.length() + 4) {
      return null;
    }
    String hour = part.substring(head.length(), head.length() + 2);
    String batch = part.substring(head.length() + 3);
    return "raw/tenant="
        + tenant
        + "/source="
        + source
        + "/dt="
        + dt
        + "/hour="
        + hour
        + "/"
        + batch
        + ".jsonl.gz";
  }

  /**
   * Writes clean file {@code key} again without the rows of {@code messageIds}; returns how many
   * rows were removed (0: the file is left as it is).
   */
  static long rewriteClean(CuratedStore store, String key, Set<String> messageIds)
      throws IOException {
    if (!store.objects().exists(key)) {
      return 0;
    }
    List<Object[]> rows = store.read(CleanTables.EVENTS, key);
    List<Object[]> kept = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      if (!messageIds.contains((String) row[1])) {
        kept.add(row);
      }
    }
    if (kept.size() == rows.size()) {
      return 0;
    }
    store.write(CleanTables.EVENTS, key, kept);
    return rows.size() - kept.size();
  }

  /**
   * Writes quarantine file {@code key} again without the rows of {@code messageIds}; returns how
   * many rows were removed.
   */
  static long rewriteQuarantine(CuratedStore store, String key, Set<String> messageIds)
      throws IOException {
    if (!store.objects().exists(key)) {
      return 0;
    }
    List<Object[]> rows = store.read(CleanTables.QUARANTINE, key);
    List<Object[]> kept = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      if (row[1] == null || !messageIds.contains((String) row[1])) {
        kept.add(row);
      }
    }
    if (kept.size() == rows.size()) {
      return 0;
    }
    store.write(CleanTables.QUARANTINE, key, kept);
    return rows.size() - kept.size();
  }

  /** The clean rows of {@code messageIds} (every column). */
  static List<Object[]> rows(CuratedStore store, Set<String> files, Set<String> messageIds)
      throws IOException {
    List<Object[]> out = new ArrayList<>();
    for (String key : files) {
      for (Object[] row : store.read(CleanTables.EVENTS, key)) {
        if (messageIds.contains((String) row[1])) {
          out.add(row);
        }
      }
    }
    return out;
  }
}
