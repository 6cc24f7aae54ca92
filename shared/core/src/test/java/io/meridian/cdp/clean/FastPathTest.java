package io.meridian.cdp.clean;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.event.CallMerger;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.parquet.ParquetFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FastPath} must give exactly the row of the general path (envelope codec, Jackson tree,
 * validator, normalizer) whenever it gives one, and must give one for the common calls.
 */
class FastPathTest {
  private static final SegmentCallValidator VALIDATOR = new SegmentCallValidator();
  private static final Instant RECEIVED = Instant.parse("2026-11-24T10:00:07.123Z");
  private static final String TAIL =
      "\"context\":{\"ip\":\"203.0.113.9\",\"library\":{\"name\":\"analytics.js\"}},"
          + "\"originalTimestamp\":\"2026-11-24T09:59:58.000Z\","
          + "\"sentAt\":\"2026-11-24T10:00:01.500Z\"}";

  /** Calls the fast path must convert itself (and identically). */
  static final List<String> COMMON =
      List.of(
          "{\"type\":\"identify\",\"messageId\":\"m-1\",\"userId\":\"u-1\",\"traits\":{"
              + "\"email\":\" Ada@Example.COM \",\"phone\":\"(415) 555-0100\",\"plan\":\"pro\"},"
              + TAIL,
          "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Order Completed\",\"properties\":"
              + "{\"price\":199.0,\"total\":1e3,\"tax\":-2.50E-1,\"count\":3,\"big\":"
              + "123456789012345678901234567890,\"zero\":0.0,\"neg\":-7,\"ok\":true,"
              + "\"no\":false,\"none\":null,\"list\":[1,\"two\",{\"three\":[3.10]},[]],"
              + "\"empty\":{}}}",
          "{\"type\":\"page\",\"anonymousId\":\"a-1\",\"name\":\"Home\",\"properties\":{\"title\":"
              + "\"Ünïcödé ✓ 𝄞 \\\"quoted\\\" back\\\\slash\\nnew\\tline\"},"
              + TAIL,
          " { \"type\" : \"screen\" ,\n\t\"anonymousId\" : \"a-2\" , \"properties\" : { \"a\" :"
              + " [ 1 , 2 ] , \"b\" : { } } } \n",
          "{\"type\":\"group\",\"userId\":42,\"groupId\":\"g-1\",\"traits\":{\"name\":\"Acme\"}}",
          "{\"type\":\"alias\",\"userId\":\"u-2\",\"previousId\":\"a-2\","
              + "\"timestamp\":\"2026-11-24T10:00:00+01:00\"}",
          "{\"type\":\"track\",\"anonymousId\":\"a-3\",\"event\":\"E\",\"userId\":null,"
              + "\"context\":{\"traits\":{\"email\":\"X@Y.Z\",\"phone\":\"not a phone\"},"
              + "\"externalIds\":[{\"id\":\"1\"}],\"ip\":null},\"integrations\":{\"All\":false},"
              + "\"channel\":\"server\",\"version\":2,\"category\":null,\"extra\":{\"deep\":[[[]]]}}",
          "{\"type\":\"page\",\"anonymousId\":\"a\",\"properties\":{\"escapes\":\"\\u00e9\\u00E9"
              + " \\/ \\u0041 \\u001f \\u0000 \\u000a \\u0009 \\u0022 \\u005c \\u007f \\u20ac"
              + " \\ud834\\udd1e \\uD83D\\uDE00 é\",\"list\":[\"\\u00fc\",\"\\/\"]}}",
          "{\"type\":\"identify\",\"userId\":\"  u  \",\"traits\":null,\"context\":null,"
              + "\"properties\":null,\"integrations\":null,\"name\":\"\",\"version\":\"1.1\"}");

  /** Calls the general path must handle (invalid, or beyond the fast path). */
  static final List<String> OTHERS =
      List.of(
          "",
          "   ",
          "[]",
          "\"text\"",
          "{}",
          "{\"type\":\"track\",\"userId\":\"u\"}",
          "{\"type\":\"track\",\"userId\":\"u\",\"event\":null}",
          "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"\"}",
          "{\"type\":\"nope\",\"userId\":\"u\"}",
          "{\"userId\":\"u\"}",
          "{\"type\":\"page\"}",
          "{\"type\":\"page\",\"userId\":\"   \"}",
          "{\"type\":\"page\",\"userId\":\"\",\"anonymousId\":\"\"}",
          "{\"type\":\"page\",\"userId\":1.5}",
          "{\"type\":\"page\",\"userId\":-0}",
          "{\"type\":\"page\",\"userId\":\"u\",\"userId\":\"v\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":1,\"a\":2}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":{\"b\":1,\"b\":1}}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":01}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":1.}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":.5}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":+1}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":-0}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":-0.0e5}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":1e99999}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":NaN}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":tru}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":nulls}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":[1,]}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":1,}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{'a':1}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":\"\\u00e9\\/\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":\"\\x\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\\u0062\":1}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":\"\\ud834\\udd1e\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"a\":\"\\ud834\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":[]}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":\"x\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"traits\":{\"email\":5}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"traits\":{\"email\":\"a\\\"b@c\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"context\":{\"ip\":5}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"context\":{\"traits\":[]}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"context\":{\"externalIds\":{}}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"timestamp\":\"yesterday\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"timestamp\":\"2026-11-24 10:00:00Z\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"timestamp\":\"2026-02-30T10:00:00Z\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"sentAt\":5}",
          "{\"type\":\"page\",\"userId\":\"u\",\"version\":1.5}",
          "{\"type\":\"page\",\"userId\":\"u\",\"messageId\":\"\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"messageId\":\"" + "m".repeat(101) + "\"}",
          "{\"type\":\"page\",\"userId\":\"" + "u".repeat(256) + "\"}",
          "{\"type\":\"page\",\"userId\":\"u\",\"name\":\"" + "n".repeat(201) + "\"}",
          "{\"type\":\"group\",\"userId\":\"u\"}",
          "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"\"}",
          "{\"type\":\"alias\",\"userId\":\"u\"}",
          "{\"type\":\"page\",\"userId\":\"u\"} trailing",
          "{\"type\":\"page\",\"userId\":\"u\"",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"big\":" + "1".repeat(120) + "}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"s\":\""
              + "x".repeat(33_000)
              + "\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":" + nested(31) + "}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":" + nested(45) + "}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":" + manyKeys(70) + "}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":" + manyKeys(1_001) + "}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"ctl\":\"a\u0001b\"}}",
          "{\"type\":\"page\",\"userId\":\"u\",\"properties\":{\"ctl\":\"a\\u0001b\"}}",
          "{\"type\":\"page\",\"userId\":\"u\"}\u0000");

  @Test
  void specialsMarksTheFirstQuoteBackslashOrControlByteOfEight() {
    Random r = new Random(3);
    byte[] interesting = {'"', '\\', 0, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, (byte) 0x80, -1, 'a'};
    for (int round = 0; round < 200_000; round++) {
      byte[] eight = new byte[8];
      for (int i = 0; i < 8; i++) {
        eight[i] =
            r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : (byte) r.nextInt(256);
      }
      long x = 0;
      int first = -1;
      for (int i = 7; i >= 0; i--) {
        x = x << 8 | (eight[i] & 0xff);
      }
      for (int i = 0; i < 8 && first < 0; i++) {
        int b = eight[i] & 0xff;
        if (b == '"' || b == '\\' || b < 0x20) {
          first = i;
        }
      }
      long marks = FastPath.specials(x);
      assertThat(marks == 0 ? -1 : Long.numberOfTrailingZeros(marks) >>> 3)
          .as("%s", Arrays.toString(eight))
          .isEqualTo(first);
    }
  }

  @Test
  void convertsTheCommonCallsItselfExactlyAsTheGeneralPath() {
    for (String payload : COMMON) {
      byte[] line = EnvelopeCodec.encodeBytes(envelope("m-x", payload));
      Object[] fast = fast(line);
      assertThat(fast).as(payload).isNotNull();
      assertSame(line, fast);
    }
  }

  @Test
  void leavesEverythingElseToTheGeneralPathOrAgreesWithIt() {
    for (String payload : OTHERS) {
      check(EnvelopeCodec.encodeBytes(envelope("m-x", payload)));
    }
  }

  @Test
  void agreesOnEnvelopeVariants() {
    String ok = COMMON.get(0);
    List<String> lines = new ArrayList<>();
    String encoded = EnvelopeCodec.encode(envelope("m-1", ok));
    lines.add(encoded);
    lines.add(" " + encoded.replace(",\"", " , \"").replace("\":", "\" : ") + " ");
    lines.add(encoded.replace("{\"v\":1,", "{\"v\":2,"));
    lines.add(encoded.replace("{\"v\":1,", "{\"v\":1.0,"));
    lines.add(encoded.replace("{\"v\":1,", "{\"v\":\"1\","));
    lines.add(encoded.replace("{\"v\":1,", "{\"v\":1,\"v\":1,"));
    lines.add(encoded.replace("{\"v\":1,", "{\"v\":1,\"future\":{\"a\":[1]},"));
    lines.add(encoded.replace("{\"v\":1,", "{"));
    lines.add(encoded.replace("\"source\":\"web\"", "\"source\":null"));
    lines.add(encoded.replace("\"source\":\"web\"", "\"source\":\"w\\u0065b\""));
    lines.add(encoded.replace("\"source\":\"web\"", "\"source\":\"w\\qb\""));
    lines.add(encoded.replace("\"source\":\"web\"", "\"source\":\"wéb\""));
    lines.add(encoded.replace("\"tenant\":\"acme\"", "\"tenant\":\"a\\qc\""));
    lines.add(encoded.replace("\"requestId\":\"req-1\"", "\"requestId\":null"));
    lines.add(encoded.replace("\"requestId\":\"req-1\"", "\"requestId\":7"));
    lines.add(encoded.replace("\"receivedAt\":\"", "\"receivedAt\":\"x"));
    lines.add(encoded.replace("2026-11-24T10:00:07.123Z", "2026-11-24T10:00:07.123+01:00"));
    lines.add(encoded.replace("\"messageId\":\"m-1\"", "\"messageId\":\"m-\\\"1\""));
    lines.add(encoded.replace("\"payload\":\"{", "\"payload\":\"\\u007b"));
    lines.add(encoded.replace("\"payload\":\"{", "\"payload\":\"\\u00e9{"));
    lines.add(encoded.replace("\"payload\":\"{", "\"payload\":\"\\n\\t{"));
    lines.add(encoded.replace("\"payload\":\"{", "\"payload\":\"\\/{"));
    lines.add(encoded.replace("\"payload\":\"{", "\"payload\":\"\\z{"));
    lines.add(encoded.replace("\"payload\":\"{", "\"payload\":\"\\u12{"));
    lines.add(encoded.substring(0, encoded.length() - 1));
    lines.add(encoded + " x");
    lines.add(
        EnvelopeCodec.encode(
            new Envelope("acme", "web", "m-1", "page", RECEIVED, "req-1", "{\"sentAt\":1}", ok)));
    lines.add(
        EnvelopeCodec.encode(
            new Envelope(
                "acme",
                "web",
                "m-1",
                "track",
                RECEIVED,
                null,
                null,
                "{\"userId\":\"u\",\"event\":\"E\"}")));
    for (String line : lines) {
      check(line.getBytes(UTF_8));
    }
  }

  @Test
  void appliesABatchSentAtLikeTheGeneralPath() {
    String withoutSentAt =
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\","
            + "\"originalTimestamp\":\"2026-11-24T09:59:58.000Z\"}";
    String withSentAt = COMMON.get(0);
    String withNullSentAt = withoutSentAt.replace("{", "{\"sentAt\":null,");
    String[] fastBatches = {
      "{\"sentAt\":\"2026-11-24T10:00:01.500Z\"}", "{\"sentAt\":null}",
    };
    for (String batch : fastBatches) {
      for (String payload : List.of(withoutSentAt, withSentAt, withNullSentAt)) {
        byte[] line = EnvelopeCodec.encodeBytes(batchEnvelope(batch, payload));
        Object[] fast = fast(line);
        assertThat(fast).as(batch + " " + payload).isNotNull();
        assertSame(line, fast);
      }
    }
    String[] otherBatches = {
      "{\"sentAt\":\"yesterday\"}",
      "{\"sentAt\":\"2026-02-30T10:00:00Z\"}",
      "{\"sentAt\":5}",
      "{\"sentAt\":\"2026-11-24T10:00:01Z\",\"context\":{\"ip\":\"1.2.3.4\"}}",
      "{\"context\":{\"traits\":{\"email\":\"A@B.C\"}}}",
      "{\"integrations\":{\"All\":false}}",
      "{}",
      "{\"sentAt\":\"2026-11-24T10:00:01\\u005a\"}",
      "not json"
    };
    for (String batch : otherBatches) {
      for (String payload : List.of(withoutSentAt, withSentAt, withNullSentAt)) {
        check(EnvelopeCodec.encodeBytes(batchEnvelope(batch, payload)));
      }
    }
  }

  private static Envelope batchEnvelope(String batch, String payload) {
    return new Envelope("acme", "web", "m-b", "track", RECEIVED, "req-1", batch, payload);
  }

  @Test
  void leavesInvalidUtf8ToTheGeneralPath() {
    byte[] ok = EnvelopeCodec.encodeBytes(envelope("m-1", COMMON.get(2)));
    assertThat(fast(ok)).isNotNull();
    int at = indexOf(ok, "\u00dc".getBytes(UTF_8));
    byte[][] broken = {
      {(byte) 0xff},
      {(byte) 0xc3},
      {(byte) 0xc0, (byte) 0x80},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xe0, (byte) 0x80, (byte) 0x80}
    };
    for (byte[] bad : broken) {
      byte[] line = new byte[ok.length + bad.length];
      System.arraycopy(ok, 0, line, 0, at);
      System.arraycopy(bad, 0, line, at, bad.length);
      System.arraycopy(ok, at, line, at + bad.length, ok.length - at);
      assertThat(fast(line)).isNull();
      check(line);
    }
  }

  /** Random calls and random mutations of them: the fast path never disagrees. */
  @Test
  void agreesWithTheGeneralPathOnRandomAndMutatedCalls() {
    Random r = new Random(20261124);
    int fastCount = 0;
    int validCount = 0;
    int total = 0;
    for (int i = 0; i < 20_000; i++) {
      String payload = randomCall(r);
      // Some calls come from a batch that sent only sentAt.
      byte[] line =
          EnvelopeCodec.encodeBytes(
              i % 5 == 0
                  ? batchEnvelope(
                      "{\"sentAt\":\"2026-11-24T10:00:0" + r.nextInt(10) + "Z\"}", payload)
                  : envelope("m-" + i, payload));
      if (check(line)) {
        fastCount++;
      }
      if (general(new String(line, UTF_8)) != null) {
        validCount++;
      }
      total++;
      for (int m = 0; m < 3; m++) {
        check(EnvelopeCodec.encodeBytes(envelope("m-" + i, mutate(r, payload))));
        check(mutateBytes(r, line));
        total += 2;
      }
    }
    // Valid calls it leaves to the general path: escaped keys, escaped ids, float ids, ...
    assertThat(fastCount).as("random calls converted by the fast path").isGreaterThan(1_500);
    assertThat(fastCount).isGreaterThan(validCount / 2);
    assertThat(total).isEqualTo(140_000);
  }

  /** Whole conversions with and without the fast path: same files, same quarantine, same counts. */
  @Test
  void rawToCleanGivesTheSameResultWithAndWithoutTheFastPath(@TempDir Path temp)
      throws IOException {
    Random r = new Random(7);
    List<byte[]> lines = new ArrayList<>();
    for (String p : COMMON) {
      lines.add(EnvelopeCodec.encodeBytes(envelope("c-" + lines.size(), p)));
    }
    for (String p : OTHERS) {
      lines.add(EnvelopeCodec.encodeBytes(envelope("o-" + lines.size(), p)));
    }
    for (int i = 0; i < 3_000; i++) {
      String p = r.nextInt(4) == 0 ? mutate(r, randomCall(r)) : randomCall(r);
      // Some repeated messageIds, so that duplicates are counted too.
      lines.add(EnvelopeCodec.encodeBytes(envelope("r-" + r.nextInt(2_500), p)));
    }
    lines.add("not an envelope".getBytes(UTF_8));
    byte[] gz = gzip(lines);
    List<Object> withFast = convert(temp.resolve("fast"), gz, true);
    List<Object> without = convert(temp.resolve("general"), gz, false);
    assertThat(withFast).hasSameSizeAs(without);
    for (int i = 0; i < without.size(); i++) {
      assertThat(withFast.get(i)).as("result " + i).isEqualTo(without.get(i));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static List<Object> convert(Path dir, byte[] gz, boolean fastPath) throws IOException {
    InMemoryObjectStore store = new InMemoryObjectStore();
    String key =
        LakeLayout.rawKey("acme", "web", Instant.parse("2026-11-24T10:00:00Z"), "b-00000001");
    store.put(key, gz);
    RawToClean stage =
        new RawToClean(
            store,
            new ObjectStoreDedupIndex(store),
            t -> "US",
            VALIDATOR,
            dir,
            Clock.fixed(Instant.parse("2026-11-24T11:00:00Z"), ZoneOffset.UTC),
            fastPath);
    StageCounts counts = stage.convert(key);
    List<Object> result = new ArrayList<>();
    result.add(counts.toString());
    String part = LakeLayout.parseRawKey(key).orElseThrow().partId();
    var dt = LakeLayout.parseRawKey(key).orElseThrow().dt();
    for (var entry :
        List.of(
            List.of(LakeLayout.cleanEventsKey("acme", dt, part), CleanTables.EVENTS),
            List.of(LakeLayout.quarantineKey("acme", dt, part), CleanTables.QUARANTINE))) {
      Optional<byte[]> bytes = store.get((String) entry.get(0));
      if (bytes.isEmpty()) {
        result.add("no " + entry.get(0));
        continue;
      }
      Path file = Files.createDirectories(dir).resolve("read.parquet");
      Files.write(file, bytes.get());
      for (Object[] row :
          ParquetFiles.readAll((io.meridian.cdp.parquet.TableSchema) entry.get(1), file)) {
        result.add(Arrays.asList(row));
      }
    }
    return result;
  }

  private static byte[] gzip(List<byte[]> lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (byte[] line : lines) {
        gz.write(line);
        gz.write('\n');
      }
    }
    return bytes.toByteArray();
  }

  private static Envelope envelope(String messageId, String payload) {
    return new Envelope("acme", "web", messageId, null, RECEIVED, "req-1", null, payload);
  }

  private static Object[] fast(byte[] line) {
    return new FastPath("US").convert(line, 0, line.length, isAscii(line));
  }

  /** Asserts agreement on one line; true when the fast path converted it. */
  private static boolean check(byte[] line) {
    Object[] fast;
    try {
      fast = fast(line);
    } catch (RuntimeException e) {
      throw new AssertionError("fast path threw on " + new String(line, UTF_8), e);
    }
    if (fast == null) {
      return false;
    }
    assertSame(line, fast);
    return true;
  }

  private static void assertSame(byte[] line, Object[] fast) {
    String text = new String(line, UTF_8);
    Object[] general = general(text);
    assertThat(general).as("general path accepts " + text).isNotNull();
    assertThat(fast).hasSameSizeAs(general);
    for (int i = 0; i < general.length; i++) {
      Object f = fast[i];
      Object g = general[i];
      if (f instanceof byte[] b) {
        assertThat(g).as("column " + i + " of " + text).isInstanceOf(String.class);
        assertThat(new String(b, UTF_8)).as("column " + i + " of " + text).isEqualTo(g);
        assertThat(b).isEqualTo(((String) g).getBytes(UTF_8));
      } else {
        assertThat(f).as("column " + i + " of " + text).isEqualTo(g);
      }
    }
  }

  /** The general path of RawToClean on one line: the row, or null when it is rejected. */
  private static Object[] general(String line) {
    Envelope envelope;
    try {
      envelope = EnvelopeCodec.decode(line);
    } catch (IllegalArgumentException e) {
      return null;
    }
    JsonNode call;
    try {
      JsonNode item = Json.MAPPER.readTree(envelope.payload());
      JsonNode batch = envelope.batch() == null ? null : Json.MAPPER.readTree(envelope.batch());
      call = CallMerger.effective(item, batch, envelope.type());
    } catch (IOException e) {
      return null;
    }
    if (VALIDATOR.validate(call, RawToClean.utf8Length(envelope.payload())).isPresent()) {
      return null;
    }
    return new EventNormalizer("US").normalize(envelope, call).toRow();
  }

  private static boolean isAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int k = 0; k < what.length; k++) {
        if (b[i + k] != what[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static String nested(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static String manyKeys(int n) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    return b.append('}').toString();
  }

  // ------------------------------------------------------------------ random calls

  private static final String[] TYPES = {
    "identify", "track", "page", "screen", "group", "alias", "other"
  };
  private static final String[] STRINGS = {
    "",
    " ",
    "plain",
    "Ünïcödé",
    "日本語",
    "𝄞 music",
    "quote \\\" inside",
    "back\\\\slash",
    "new\\nline\\ttab\\r\\b\\f",
    "slash \\/ escaped",
    "\\u0041 escaped",
    "\\u00e9 escaped",
    "\\u001f control",
    "  Mixed@Case.Example  ",
    "+1 415 555 0100",
    "(415) 555-0199",
    "020 7946 0958",
    "12",
    "2026-11-24T10:00:00Z",
    "2026-11-24T10:00:00.123456+02:00",
    "2026-13-24T10:00:00Z",
    "\u2028\u3000"
  };
  private static final String[] NUMBERS = {
    "0",
    "-1",
    "42",
    "2147483648",
    "-9223372036854775809",
    "1.0",
    "100.0",
    "0.0",
    "-0.0",
    "1e5",
    "1E-7",
    "-2.50e+3",
    "3.14159265358979323846264338327950288",
    "0.000001",
    "12345678901234567890"
  };
  private static final String[] KEYS = {
    "type",
    "messageId",
    "userId",
    "anonymousId",
    "groupId",
    "previousId",
    "event",
    "name",
    "category",
    "channel",
    "version",
    "timestamp",
    "originalTimestamp",
    "sentAt",
    "receivedAt",
    "context",
    "traits",
    "properties",
    "integrations",
    "extra",
    "email",
    "phone",
    "ip",
    "externalIds",
    "firstName",
    "lastName",
    "ünï"
  };

  private static String randomCall(Random r) {
    StringBuilder b = new StringBuilder("{");
    String type = TYPES[r.nextInt(TYPES.length)];
    b.append("\"type\":\"").append(type).append('"');
    if (r.nextInt(5) > 0) {
      b.append(",\"userId\":").append(r.nextInt(8) == 0 ? "7" : "\"u-" + r.nextInt(100) + "\"");
    }
    if (r.nextBoolean()) {
      b.append(",\"anonymousId\":\"a-").append(r.nextInt(100)).append('"');
    }
    if (type.equals("track") || r.nextInt(10) == 0) {
      b.append(",\"event\":\"Event ").append(r.nextInt(5)).append('"');
    }
    if (type.equals("group") || r.nextInt(10) == 0) {
      b.append(",\"groupId\":\"g-").append(r.nextInt(5)).append('"');
    }
    if (type.equals("alias") || r.nextInt(10) == 0) {
      b.append(",\"previousId\":\"p-").append(r.nextInt(5)).append('"');
    }
    int extra = r.nextInt(6);
    for (int i = 0; i < extra; i++) {
      b.append(",\"").append(KEYS[r.nextInt(KEYS.length)]).append("\":");
      randomValue(r, b, 0);
    }
    if (r.nextBoolean()) {
      b.append(",\"traits\":");
      randomContact(r, b);
    }
    if (r.nextBoolean()) {
      b.append(",\"context\":{\"ip\":\"1.2.3.4\",\"traits\":");
      randomContact(r, b);
      b.append('}');
    }
    if (r.nextBoolean()) {
      b.append(",\"sentAt\":\"2026-11-24T10:00:0").append(r.nextInt(10)).append(".5Z\"");
      b.append(",\"originalTimestamp\":\"2026-11-24T09:59:5").append(r.nextInt(10)).append("Z\"");
    }
    b.append('}');
    String call = b.toString();
    return r.nextInt(10) == 0 ? call.replace(",", " ,\n ").replace(":", " : ") : call;
  }

  private static void randomContact(Random r, StringBuilder b) {
    b.append("{\"email\":");
    randomValue(r, b, 3);
    b.append(",\"phone\":");
    b.append(r.nextInt(4) == 0 ? "null" : '"' + STRINGS[r.nextInt(STRINGS.length)] + '"');
    if (r.nextBoolean()) {
      b.append(",\"name\":\"").append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
    }
    b.append('}');
  }

  private static void randomValue(Random r, StringBuilder b, int depth) {
    switch (depth > 2 ? r.nextInt(4) : r.nextInt(7)) {
      case 0 -> b.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
      case 1 -> b.append(NUMBERS[r.nextInt(NUMBERS.length)]);
      case 2 -> b.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
      case 3 -> b.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
      case 4, 5 -> {
        b.append('{');
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append('"').append(KEYS[r.nextInt(KEYS.length)]);
          b.append("\":");
          randomValue(r, b, depth + 1);
        }
        b.append('}');
      }
      default -> {
        b.append('[');
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",");
          randomValue(r, b, depth + 1);
        }
        b.append(']');
      }
    }
  }

  private static final String MUTATIONS = "{}[]\",:\\ 0-.eEnul\u00e9x\t";

  private static String mutate(Random r, String s) {
    StringBuilder b = new StringBuilder(s);
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n && b.length() > 0; i++) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(3)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, MUTATIONS.charAt(r.nextInt(MUTATIONS.length())));
        default -> b.setCharAt(at, MUTATIONS.charAt(r.nextInt(MUTATIONS.length())));
      }
    }
    return b.toString();
  }

  private static byte[] mutateBytes(Random r, byte[] line) {
    byte[] b = line.clone();
    int at = r.nextInt(b.length);
    b[at] = (byte) MUTATIONS.charAt(r.nextInt(MUTATIONS.length()));
    return b;
  }
}
