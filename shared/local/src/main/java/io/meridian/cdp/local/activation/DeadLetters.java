package io.meridian.cdp.local.activation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The dead-letter file of one destination, {@code
 * <data>/activation/<tenant>/<id>.dead-letter.jsonl}: one JSON line per delivery given up on, with
 * the attempts, the last status and error, and the payload that was to be sent (so it can be
 * replayed).
 */
final class DeadLetters implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String tenant;
  private final String destination;
  private final Clock clock;
  private OutputStream out;

  DeadLetters(Path file, String tenant, String destination, Clock clock) {
    this.file = file;
    this.tenant = tenant;
    this.destination = destination;
    this.clock = clock;
  }

  synchronized void add(Delivery delivery, Outcome outcome) {
    ObjectNode line = JSON.createObjectNode();
    line.put("event_id", delivery.eventId());
    line.put("delivery_id", delivery.deliveryId());
    line.put("tenant", tenant);
    line.put("destination", destination);
    line.put("attempts", outcome.attempts());
    if (outcome.lastStatus() != 0) {
      line.put("last_status", outcome.lastStatus());
    }
    line.put("last_error", outcome.lastError());
    line.put("dead_lettered_at", clock.instant().toString());
    try {
      line.set("payload", JSON.readTree(delivery.body()));
      if (out == null) {
        Files.createDirectories(file.getParent());
        // not a channel stream: a worker interrupted at the deadline must still be able to write
        out = new java.io.FileOutputStream(file.toFile(), true);
      }
      out.write(JSON.writeValueAsBytes(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the dead-letter file " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("could not close " + file, e);
      } finally {
        out = null;
      }
    }
  }
}
