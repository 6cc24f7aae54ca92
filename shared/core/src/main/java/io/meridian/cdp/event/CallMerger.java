package io.meridian.cdp.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds the effective call: the item as sent, with the endpoint's implied type and the batch-level
 * {@code context}, {@code integrations} and {@code sentAt} merged in. The item's own values win;
 * objects are merged key by key.
 */
public final class CallMerger {
  private CallMerger() {}

  /**
   * @param item the call as parsed (not modified)
   * @param batch batch-level fields, or null
   * @param impliedType type implied by the endpoint, or null
   * @return {@code item} itself when nothing needs merging, otherwise a merged copy
   */
  public static JsonNode effective(JsonNode item, JsonNode batch, String impliedType) {
    if (!item.isObject()) {
      return item;
    }
    boolean needsType = impliedType != null && !item.has("type");
    boolean hasBatch = batch != null && batch.isObject() && batch.size() > 0;
    if (!needsType && !hasBatch) {
      return item;
    }
    ObjectNode out = ((ObjectNode) item).deepCopy();
    if (needsType) {
      out.put("type", impliedType);
    }
    if (hasBatch) {
      for (String field : new String[] {"context", "integrations"}) {
        JsonNode b = batch.get(field);
        if (b != null && b.isObject()) {
          JsonNode mine = out.get(field);
          if (mine == null || mine.isNull()) {
            out.set(field, b.deepCopy());
          } else if (mine.isObject()) {
            mergeUnder((ObjectNode) mine, b);
          }
        }
      }
      JsonNode sentAt = batch.get("sentAt");
      if (sentAt != null && !out.has("sentAt")) {
        out.set("sentAt", sentAt);
      }
    }
    return out;
  }

  /** Adds {@code defaults}' keys to {@code target} where {@code target} has none. */
  private static void mergeUnder(ObjectNode target, JsonNode defaults) {
    for (Iterator<Map.Entry<String, JsonNode>> it = defaults.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode mine = target.get(e.getKey());
      if (mine == null) {
        target.set(e.getKey(), e.getValue().deepCopy());
      } else if (mine.isObject() && e.getValue().isObject()) {
        mergeUnder((ObjectNode) mine, e.getValue());
      }
    }
  }
}
