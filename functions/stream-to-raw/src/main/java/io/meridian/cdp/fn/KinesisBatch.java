package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.fasterxml.jackson.core.JsonGenerator;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.tenant.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * One Lambda batch of Kinesis records from one shard, decoded: the envelopes to write to the raw
 * zone, the records that carry no routable envelope, and the batch's id.
 *
 * @param id key-safe, deterministic id: {@code kinesis-<shard>-<first sequence number>-n<records>}.
 *     A retried batch that starts at the same record and holds the same records gets the same id
 *     and so rewrites the same objects. A retry with a different extent (more records arrived, or a
 *     bisected batch) gets another id: it never replaces an object the clean stage may already have
 *     converted with different content; the records both hold are dropped as duplicates there.
 * @param envelopes decoded envelopes, in stream order
 * @param unroutable records whose data is not an envelope, or names an invalid tenant or source
 */
record KinesisBatch(String id, List<Envelope> envelopes, List<Unroutable> unroutable) {
  private static final Pattern KEY_SAFE = Pattern.compile("[A-Za-z0-9_.-]{1,160}");

  KinesisBatch {
    envelopes = List.copyOf(envelopes);
    unroutable = List.copyOf(unroutable);
  }

  /** A record that cannot be routed to a tenant, kept whole. */
  record Unroutable(KinesisEventRecord record, String reason) {}

  /** Decodes {@code records}, which Lambda delivers from one shard, oldest first. */
  static KinesisBatch of(List<KinesisEventRecord> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a Kinesis batch has at least one record");
    }
    List<Envelope> envelopes = new ArrayList<>(records.size());
    List<Unroutable> unroutable = new ArrayList<>();
    for (KinesisEventRecord r : records) {
      byte[] data = bytes(r.getKinesis().getData());
      try {
        Envelope e = EnvelopeCodec.decode(data, 0, data.length);
        Ids.require("tenant", e.tenant());
        Ids.require("source", e.source());
        envelopes.add(e);
      } catch (IllegalArgumentException e) {
        unroutable.add(new Unroutable(r, e.getMessage()));
      }
    }
    KinesisEventRecord first = records.get(0);
    return new KinesisBatch(
        id(shardId(first), first.getKinesis().getSequenceNumber(), records.size()),
        envelopes,
        unroutable);
  }

  static String id(String shardId, String firstSequenceNumber, int records) {
    String shard =
        shardId.startsWith("shardId-") ? shardId.substring("shardId-".length()) : shardId;
    String id = "kinesis-" + shard + "-" + firstSequenceNumber + "-n" + records;
    if (KEY_SAFE.matcher(id).matches()) {
      return id;
    }
    return "kinesis-"
        + sha256(shardId + "\n" + firstSequenceNumber + "\n" + records).substring(0, 48);
  }

  /** The shard, from the event id {@code shardId-000000000000:<sequence number>}. */
  static String shardId(KinesisEventRecord record) {
    String eventId = record.getEventID();
    int colon = eventId.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("Kinesis event id '" + eventId + "' names no shard");
    }
    return eventId.substring(0, colon);
  }

  /** Where the unroutable records go: by the day the first of them arrived in the stream. */
  String unroutableKey() {
    LocalDate dt =
        unroutable
            .get(0)
            .record()
            .getKinesis()
            .getApproximateArrivalTimestamp()
            .toInstant()
            .atZone(ZoneOffset.UTC)
            .toLocalDate();
    return LakeLayout.unroutableKey(dt, id);
  }

  /**
   * The unroutable records as gzip JSON Lines: shard, sequence number, partition key, arrival time,
   * why it was not routed, and the data (base64), so they can be inspected and replayed.
   */
  byte[] unroutableObject() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      for (Unroutable u : unroutable) {
        var k = u.record().getKinesis();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.createGenerator(line)) {
          g.writeStartObject();
          g.writeStringField("shardId", shardId(u.record()));
          g.writeStringField("sequenceNumber", k.getSequenceNumber());
          g.writeStringField("partitionKey", k.getPartitionKey());
          g.writeStringField(
              "approximateArrivalTimestamp",
              k.getApproximateArrivalTimestamp().toInstant().toString());
          g.writeStringField("reason", u.reason());
          g.writeStringField("data", Base64.getEncoder().encodeToString(bytes(k.getData())));
          g.writeEndObject();
        }
        line.write('\n');
        line.writeTo(gz);
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] bytes(ByteBuffer data) {
    ByteBuffer b = data.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
