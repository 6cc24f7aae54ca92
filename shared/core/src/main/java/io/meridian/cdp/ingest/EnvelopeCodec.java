package io.meridian.cdp.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import io.meridian.cdp.event.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The envelope's line format, shared by the spool, Kinesis records and the raw zone. One JSON
 * object per line; the payload is kept as a JSON string so that the caller's bytes survive exactly
 * (decoding the string gives them back) while the line stays one line. See ADR 0004.
 */
public final class EnvelopeCodec {
  /** Format version written in every line as {@code "v"}. */
  public static final int VERSION = 1;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
          .build();

  private EnvelopeCodec() {}

  /** The envelope as one JSON line without the trailing newline. */
  public static String encode(Envelope e) {
    try (SegmentedStringWriter w = new SegmentedStringWriter(FACTORY._getBufferRecycler());
        JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("tenant", e.tenant());
      g.writeStringField("source", e.source());
      g.writeStringField("messageId", e.messageId());
      if (e.type() != null) {
        g.writeStringField("type", e.type());
      }
      g.writeStringField("receivedAt", e.receivedAt().toString());
      if (e.requestId() != null) {
        g.writeStringField("requestId", e.requestId());
      }
      if (e.batch() != null) {
        g.writeStringField("batch", e.batch());
      }
      g.writeStringField("payload", e.payload());
      g.writeEndObject();
      g.close();
      return w.getAndClear();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static byte[] encodeBytes(Envelope e) {
    return encode(e).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads one line.
   *
   * @throws IllegalArgumentException when the line is not an envelope of a known version
   */
  public static Envelope decode(String line) {
    try (JsonParser p = FACTORY.createParser(line)) {
      return read(p);
    } catch (IOException ex) {
      throw new IllegalArgumentException("not an envelope line: " + ex.getMessage(), ex);
    }
  }

  public static Envelope decode(byte[] bytes, int offset, int length) {
    try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
      return read(p);
    } catch (IOException ex) {
      throw new IllegalArgumentException("not an envelope line: " + ex.getMessage(), ex);
    }
  }

  private static Envelope read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("not an envelope line: expected a JSON object");
    }
    int version = -1;
    String tenant = null;
    String source = null;
    String messageId = null;
    String type = null;
    String receivedAt = null;
    String requestId = null;
    String batch = null;
    String payload = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "v" -> version = p.getIntValue();
        case "tenant" -> tenant = string(p, name);
        case "source" -> source = string(p, name);
        case "messageId" -> messageId = string(p, name);
        case "type" -> type = string(p, name);
        case "receivedAt" -> receivedAt = string(p, name);
        case "requestId" -> requestId = string(p, name);
        case "batch" -> batch = string(p, name);
        case "payload" -> payload = string(p, name);
        default -> p.skipChildren();
      }
    }
    if (version != VERSION) {
      throw new IllegalArgumentException("unsupported envelope version " + version);
    }
    if (tenant == null
        || source == null
        || messageId == null
        || receivedAt == null
        || payload == null) {
      throw new IllegalArgumentException("envelope line lacks a required field");
    }
    Instant received;
    try {
      received = Timestamps.parseInstant(receivedAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not an envelope line: receivedAt is not an ISO-8601 instant", e);
    }
    return new Envelope(tenant, source, messageId, type, received, requestId, batch, payload);
  }

  /** The current value as text; a field of another JSON type means the line is no envelope. */
  private static String string(JsonParser p, String name) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("not an envelope line: " + name + " must be a string");
    }
    return p.getText();
  }
}
