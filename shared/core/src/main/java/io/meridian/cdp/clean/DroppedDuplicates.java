package io.meridian.cdp.clean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.LakeLayout.RawObject;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The message ids a raw object's conversion dropped because another raw object's copy of the same
 * call was converted first (a client's retry that reached the server twice). The clean zone keeps
 * one row for both, converted from one of the raw objects; the other raw object still holds a line
 * of the call, and nothing in the clean zone points to it. Erasure reads these records to find such
 * lines (ADR 0021): without them a retried call of an erased person would stay in the raw zone.
 *
 * <p>One JSON object per raw object that had any ({@code {"raw": key, "messageIds": [...]}}),
 * written before the conversion's accounting record, so a conversion that crashes before it is done
 * writes it again (with the same content: the claims it gets back are its own).
 */
public final class DroppedDuplicates {
  private DroppedDuplicates() {}

  /** Records the ids {@code rawKey}'s conversion dropped; nothing when there are none. */
  public static void record(
      ObjectStore store, RawObject raw, String rawKey, Collection<String> messageIds)
      throws IOException {
    if (messageIds.isEmpty()) {
      return;
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("raw", rawKey);
    ArrayNode ids = o.putArray("messageIds");
    new TreeSet<>(messageIds).forEach(ids::add);
    store.put(
        LakeLayout.duplicatesKey(raw.tenant(), raw.dt(), raw.partId()),
        Json.MAPPER.writeValueAsBytes(o));
  }

  /** The raw objects of {@code tenant} whose conversion dropped one of {@code messageIds}. */
  public static Set<String> rawObjectsHolding(
      ObjectStore store, String tenant, Set<String> messageIds) throws IOException {
    Set<String> out = new TreeSet<>();
    if (messageIds.isEmpty()) {
      return out;
    }
    for (String key : store.list(LakeLayout.duplicatesPrefix(tenant))) {
      Optional<byte[]> bytes = store.get(key);
      if (bytes.isEmpty()) {
        continue; // removed since the listing
      }
      JsonNode record;
      try {
        record = Json.MAPPER.readTree(bytes.get());
      } catch (IOException e) {
        throw new IOException("the dropped-duplicates record " + key + " is not valid JSON", e);
      }
      String raw = record.path("raw").asText("");
      if (raw.isEmpty() || !record.path("messageIds").isArray()) {
        throw new IOException("the dropped-duplicates record " + key + " lacks raw or messageIds");
      }
      for (JsonNode id : record.get("messageIds")) {
        if (messageIds.contains(id.asText())) {
          out.add(raw);
          break;
        }
      }
    }
    return out;
  }
}
