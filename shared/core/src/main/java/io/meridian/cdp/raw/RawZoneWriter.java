package io.meridian.cdp.raw;

import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes a batch of envelopes to the raw zone and accounts for it. */
public final class RawZoneWriter {
  /** Accounting stage name of this writer. */
  public static final String STAGE = "raw";

  private final ObjectStore store;
  private final AccountingLedger ledger;
  private final Clock clock;

  public RawZoneWriter(ObjectStore store, Clock clock) {
    this.store = store;
    this.ledger = new AccountingLedger(store);
    this.clock = clock;
  }

  /**
   * Writes {@code envelopes}, grouped by tenant, source and receipt hour, one gzip JSON Lines
   * object per group named after {@code batchId}. Writing the same batch again replaces the same
   * objects with identical bytes.
   *
   * @param batchId key-safe id of the batch's position in the stream
   */
  public List<StageCounts> write(List<Envelope> envelopes, String batchId) throws IOException {
    Map<String, List<Envelope>> groups = new LinkedHashMap<>();
    for (Envelope e : envelopes) {
      String key =
          LakeLayout.rawKey(
              e.tenant(), e.source(), e.receivedAt().truncatedTo(ChronoUnit.HOURS), batchId);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    List<StageCounts> written = new ArrayList<>();
    for (Map.Entry<String, List<Envelope>> g : groups.entrySet()) {
      List<Envelope> group = g.getValue();
      store.put(g.getKey(), gzipLines(group));
      Envelope first = group.get(0);
      LocalDate dt = first.receivedAt().atZone(ZoneOffset.UTC).toLocalDate();
      String unit = LakeLayout.parseRawKey(g.getKey()).orElseThrow().partId();
      StageCounts counts =
          new StageCounts(
              STAGE,
              first.tenant(),
              first.source(),
              g.getKey(),
              group.size(),
              group.size(),
              Map.of(),
              0,
              clock.instant());
      ledger.record(counts, dt, unit);
      written.add(counts);
    }
    return written;
  }

  /** Deterministic gzip: the header carries no timestamp, so equal input gives equal bytes. */
  static byte[] gzipLines(List<Envelope> envelopes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(envelopes.size() * 512);
    try (OutputStream gz = new GZIPOutputStream(bytes, 64 * 1024)) {
      for (Envelope e : envelopes) {
        gz.write(EnvelopeCodec.encode(e).getBytes(StandardCharsets.UTF_8));
        gz.write('\n');
      }
    }
    return bytes.toByteArray();
  }
}
