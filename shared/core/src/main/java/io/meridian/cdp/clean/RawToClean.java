package io.meridian.cdp.clean;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.event.CallMerger;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.Problem;
import io.meridian.cdp.event.Reason;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.LakeLayout.RawObject;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import io.meridian.cdp.privacy.PiiProtection;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * The raw-to-clean stage for one raw object: validate, normalize, de-duplicate, write Parquet,
 * quarantine the rest, account. Output names derive from the raw object's key, so converting the
 * same object again (after a crash, or an S3 event delivered twice) replaces the same files and
 * counts the same numbers. The accounting record is written last and marks the object done.
 */
public final class RawToClean {
  /** Accounting stage name. */
  public static final String STAGE = "clean";

  /** Records validated and claimed together; bounds memory independently of object size. */
  static final int CHUNK = 4_096;

  private final ObjectStore store;
  private final DedupIndex dedup;
  private final Function<String, String> phoneRegionOfTenant;
  private final SegmentCallValidator validator;
  private final Path workDir;
  private final Clock clock;
  private final AccountingLedger ledger;
  private final boolean fastPath;
  private final PiiProtection protection;

  /**
   * @param phoneRegionOfTenant default phone region for a tenant id
   * @param workDir where Parquet files are assembled before they are stored
   */
  public RawToClean(
      ObjectStore store,
      DedupIndex dedup,
      Function<String, String> phoneRegionOfTenant,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock) {
    this(store, dedup, phoneRegionOfTenant, validator, workDir, clock, PiiProtection.none());
  }

  /**
   * @param protection applies each tenant's PII policy to the rows written (ADR 0019)
   */
  public RawToClean(
      ObjectStore store,
      DedupIndex dedup,
      Function<String, String> phoneRegionOfTenant,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock,
      PiiProtection protection) {
    this(store, dedup, phoneRegionOfTenant, validator, workDir, clock, true, protection);
  }

  /**
   * @param fastPath whether common lines take {@link FastPath}; false only to compare both paths in
   *     tests
   */
  RawToClean(
      ObjectStore store,
      DedupIndex dedup,
      Function<String, String> phoneRegionOfTenant,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock,
      boolean fastPath) {
    this(
        store,
        dedup,
        phoneRegionOfTenant,
        validator,
        workDir,
        clock,
        fastPath,
        PiiProtection.none());
  }

  private RawToClean(
      ObjectStore store,
      DedupIndex dedup,
      Function<String, String> phoneRegionOfTenant,
      SegmentCallValidator validator,
      Path workDir,
      Clock clock,
      boolean fastPath,
      PiiProtection protection) {
    this.protection = protection;
    this.fastPath = fastPath;
    this.store = store;
    this.dedup = dedup;
    this.phoneRegionOfTenant = phoneRegionOfTenant;
    this.validator = validator;
    this.workDir = workDir;
    this.clock = clock;
    this.ledger = new AccountingLedger(store);
  }

  /** Whether {@code rawKey} was already converted (its accounting record exists). */
  public boolean isDone(String rawKey) throws IOException {
    RawObject raw = parse(rawKey);
    return ledger.isDone(STAGE, raw.tenant(), raw.dt(), raw.partId());
  }

  /** Raw objects not yet converted, oldest partition first. */
  public List<String> pending() throws IOException {
    List<String> out = new ArrayList<>();
    for (String key : store.list(LakeLayout.RAW)) {
      if (LakeLayout.parseRawKey(key).isPresent() && !isDone(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /** Converts one raw object. */
  public StageCounts convert(String rawKey) throws IOException {
    RawObject raw = parse(rawKey);
    byte[] gz =
        store
            .get(rawKey)
            .orElseThrow(() -> new java.nio.file.NoSuchFileException("raw object " + rawKey));
    String region = phoneRegionOfTenant.apply(raw.tenant());
    EventNormalizer normalizer = new EventNormalizer(region);
    FastPath fast = fastPath ? new FastPath(region) : null;
    PiiProtection.Step pii = protection.forTenant(raw.tenant());
    Files.createDirectories(workDir);
    Path cleanFile = Files.createTempFile(workDir, "clean-", ".parquet");
    Quarantine quarantine = new Quarantine(workDir);
    Instant fallbackReceived =
        raw.dt().atStartOfDay(ZoneOffset.UTC).plusHours(raw.hour()).toInstant();
    long input = 0;
    long output = 0;
    long duplicates = 0;
    Map<String, Long> quarantined = new TreeMap<>();
    try (RowWriter clean =
            ParquetFiles.createFlat(CleanTables.EVENTS, cleanFile, CleanTables.EVENTS_FILES);
        quarantine;
        GZIPInputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
      ByteLines lines = new ByteLines(unzipped, 64 * 1024);
      // Sized for a typical raw object (up to 10,000 calls) so that it never rehashes.
      Set<String> seenInObject = new HashSet<>(4 * CHUNK);
      // Ids dropped as copies of calls converted from other raw objects (client retries).
      List<String> dropped = new ArrayList<>();
      // Rows in the clean table's column order (see FastPath for the types of their values).
      List<Object[]> chunk = new ArrayList<>(CHUNK);
      int chunkNo = 0;
      String lastBatchText = null;
      JsonNode lastBatch = null;
      while (lines.next()) {
        if (lines.length() == 0) {
          continue;
        }
        input++;
        Object[] row =
            fast == null
                ? null
                : fast.convert(lines.buffer(), lines.start(), lines.length(), lines.isAscii());
        if (row != null) {
          // A valid call: the same row the general path below makes of it.
          if (!seenInObject.add((String) row[1])) {
            duplicates++;
            continue;
          }
          chunk.add(row);
          if (chunk.size() == CHUNK) {
            long[] r = flush(raw, chunkNo++, chunk, clean, pii, dropped);
            output += r[0];
            duplicates += r[1];
          }
          continue;
        }
        String line = lines.isAscii() ? null : lines.text();
        Envelope envelope;
        try {
          envelope =
              line == null
                  ? decodeAscii(lines.buffer(), lines.start(), lines.length())
                  : EnvelopeCodec.decode(line);
        } catch (IllegalArgumentException e) {
          line = lines.text();
          quarantine.write(
              quarantineRow(
                  raw.source(),
                  null,
                  fallbackReceived,
                  // Not the parser's message: it can quote the input, and details never carry
                  // values (the payload column has the whole line).
                  new Problem(Reason.UNREADABLE_RECORD, "", "the raw line is not a valid envelope"),
                  line,
                  rawKey));
          quarantined.merge(Reason.UNREADABLE_RECORD, 1L, Long::sum);
          continue;
        }
        Problem problem;
        JsonNode call = null;
        try {
          JsonNode item = Json.MAPPER.readTree(envelope.payload());
          JsonNode batch = null;
          if (envelope.batch() != null) {
            // Calls of one batch share its context: parse it once per batch, not per call.
            if (!envelope.batch().equals(lastBatchText)) {
              lastBatchText = envelope.batch();
              lastBatch = Json.MAPPER.readTree(lastBatchText);
            }
            batch = lastBatch;
          }
          call = CallMerger.effective(item, batch, envelope.type());
          problem = validator.validate(call, utf8Length(envelope.payload())).orElse(null);
        } catch (IOException e) {
          problem = new Problem(Reason.UNREADABLE_RECORD, "", "payload is not valid JSON");
        }
        if (problem != null) {
          quarantine.write(
              quarantineRow(
                  envelope.source(),
                  envelope.messageId(),
                  envelope.receivedAt(),
                  problem,
                  envelope.payload(),
                  rawKey));
          quarantined.merge(problem.code(), 1L, Long::sum);
          continue;
        }
        if (!seenInObject.add(envelope.messageId())) {
          duplicates++;
          continue;
        }
        chunk.add(normalizer.normalize(envelope, call).toRow());
        if (chunk.size() == CHUNK) {
          long[] r = flush(raw, chunkNo++, chunk, clean, pii, dropped);
          output += r[0];
          duplicates += r[1];
        }
      }
      long[] r = flush(raw, chunkNo, chunk, clean, pii, dropped);
      output += r[0];
      duplicates += r[1];
      unzipped.close();
      clean.close();
      quarantine.close();
      String part = raw.partId();
      // The chunks' claims, durable before the output that relies on them is stored.
      dedup.commitUnit(raw.tenant(), raw.dt(), part);
      if (output > 0) {
        store.putFile(LakeLayout.cleanEventsKey(raw.tenant(), raw.dt(), part), cleanFile);
      }
      if (!quarantined.isEmpty()) {
        store.putFile(LakeLayout.quarantineKey(raw.tenant(), raw.dt(), part), quarantine.file());
      }
      // Before the accounting record, so a conversion cut short here writes it again.
      DroppedDuplicates.record(store, raw, rawKey, dropped);
      StageCounts counts =
          new StageCounts(
              STAGE,
              raw.tenant(),
              raw.source(),
              rawKey,
              input,
              output,
              quarantined,
              duplicates,
              clock.instant(),
              pii.counts());
      ledger.record(counts, raw.dt(), part);
      return counts;
    } finally {
      Files.deleteIfExists(cleanFile);
      quarantine.delete();
    }
  }

  /**
   * The quarantine file of one conversion, created when the first record is rejected: most raw
   * objects have none, and an empty Parquet file still costs a header, a footer and a file.
   */
  private static final class Quarantine implements Closeable {
    private final Path workDir;
    private Path file;
    private RowWriter writer;
    private boolean closed;

    Quarantine(Path workDir) {
      this.workDir = workDir;
    }

    void write(Object[] row) throws IOException {
      if (writer == null) {
        if (closed) {
          throw new IllegalStateException("quarantine writer is already closed");
        }
        file = Files.createTempFile(workDir, "quarantine-", ".parquet");
        writer = ParquetFiles.create(CleanTables.QUARANTINE, file);
      }
      writer.write(row);
    }

    /** The written file; only after a {@link #write} and {@link #close()}. */
    Path file() {
      if (file == null) {
        throw new IllegalStateException("no record was quarantined");
      }
      return file;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      if (writer != null) {
        writer.close();
      }
    }

    void delete() throws IOException {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * Claims the chunk's ids, writes the rows that are not duplicates and adds the ids of those that
   * are to {@code dropped}; returns {written, dups}. The claim's owner is the raw object's part id
   * plus the chunk number: deterministic, because the same object always splits into the same
   * chunks. The claims become durable for the whole object at once, before its output is stored
   * ({@link DedupIndex#commitUnit}).
   */
  private long[] flush(
      RawObject raw,
      int chunkNo,
      List<Object[]> chunk,
      RowWriter clean,
      PiiProtection.Step pii,
      List<String> dropped)
      throws IOException {
    if (chunk.isEmpty()) {
      return new long[] {0, 0};
    }
    List<String> ids = new ArrayList<>(chunk.size());
    for (Object[] row : chunk) {
      ids.add((String) row[1]);
    }
    Set<String> dups =
        dedup.claimInUnit(raw.tenant(), raw.dt(), raw.partId(), raw.partId() + ".c" + chunkNo, ids);
    long written = 0;
    for (Object[] row : chunk) {
      if (dups.isEmpty() || !dups.contains((String) row[1])) {
        // The tenant's PII policy, last: only rows that are stored (a no-op when it keeps all).
        clean.write(pii.apply(row));
        written++;
      }
    }
    chunk.clear();
    dropped.addAll(dups);
    return new long[] {written, dups.size()};
  }

  /**
   * Decodes an ASCII line from its bytes, sparing the String; a line that is no envelope is decoded
   * again as text, so that the error (which names its source) reads as before.
   */
  private static Envelope decodeAscii(byte[] bytes, int offset, int length) {
    try {
      return EnvelopeCodec.decode(bytes, offset, length);
    } catch (IllegalArgumentException e) {
      return EnvelopeCodec.decode(new String(bytes, offset, length, StandardCharsets.US_ASCII));
    }
  }

  static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return n;
  }

  private static Object[] quarantineRow(
      String source,
      String messageId,
      Instant receivedAt,
      Problem problem,
      String payload,
      String rawKey) {
    return new Object[] {
      source,
      messageId,
      receivedAt,
      problem.code(),
      problem.field().isEmpty() ? null : problem.field(),
      problem.message(),
      payload,
      rawKey
    };
  }

  private static RawObject parse(String rawKey) {
    return LakeLayout.parseRawKey(rawKey)
        .orElseThrow(() -> new IllegalArgumentException("not a raw-zone key: " + rawKey));
  }
}
