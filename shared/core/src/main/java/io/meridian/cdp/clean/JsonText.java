package io.meridian.cdp.clean;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Compact JSON text of trees, exactly as {@code Json.MAPPER.writeValueAsString} writes it, through
 * one generator and buffer reused for every value instead of a new pair per value. Not thread-safe.
 */
final class JsonText {
  private final StringWriter buffer = new StringWriter(1024);
  private JsonGenerator generator;

  /** The JSON text of {@code node}, or null for a missing or JSON null node. */
  String of(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    buffer.getBuffer().setLength(0);
    try {
      if (generator == null) {
        generator = Json.MAPPER.createGenerator(buffer);
        // Values are written one after another: no separator between them.
        generator.setRootValueSeparator(null);
      }
      Json.MAPPER.writeTree(generator, node);
      generator.flush();
    } catch (IOException | RuntimeException e) {
      // A generator that failed mid-value is in an unknown state: start afresh next time.
      generator = null;
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
    return buffer.toString();
  }
}
