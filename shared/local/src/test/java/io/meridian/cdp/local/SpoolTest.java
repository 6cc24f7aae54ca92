package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.ingest.Envelope;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  private static final Instant RECEIVED_AT = Instant.parse("2026-11-24T10:15:30.123456Z");

  @TempDir Path temp;

  private final List<Spool> opened = new ArrayList<>();

  @AfterEach
  void closeSpools() throws IOException {
    for (Spool s : opened) {
      s.close();
    }
  }

  private Spool open() throws IOException {
    Spool spool = new Spool(temp.resolve("spool"));
    opened.add(spool);
    return spool;
  }

  private static Envelope envelope(String messageId) {
    return new Envelope(
        "acme",
        "web",
        messageId,
        "track",
        RECEIVED_AT,
        "req-1",
        messageId.endsWith("0") ? "{\"sentAt\":\"2026-11-24T10:15:29Z\"}" : null,
        "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Clicked\",\"messageId\":\""
            + messageId
            + "\"}");
  }

  private static List<Envelope> envelopes(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> envelope(prefix + i)).toList();
  }

  /** One chunk as the consumer saw it. */
  private record Chunk(String id, List<Envelope> envelopes) {}

  private static List<Chunk> drainAll(Spool spool) throws IOException {
    List<Chunk> chunks = new ArrayList<>();
    spool.drain((envelopes, chunkId) -> chunks.add(new Chunk(chunkId, List.copyOf(envelopes))));
    return chunks;
  }

  private static List<Envelope> flatten(List<Chunk> chunks) {
    return chunks.stream().flatMap(c -> c.envelopes().stream()).toList();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(temp.resolve("spool"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("segment-\\d+\\.wal"))
          .sorted()
          .toList();
    }
  }

  private Path onlyNonEmptySegment() throws IOException {
    List<Path> nonEmpty = new ArrayList<>();
    for (Path p : segmentFiles()) {
      if (Files.size(p) > 0) {
        nonEmpty.add(p);
      }
    }
    assertThat(nonEmpty).hasSize(1);
    return nonEmpty.get(0);
  }

  @Test
  void drainReturnsAppendedEnvelopesInAppendOrder() throws IOException {
    Spool spool = open();
    List<Envelope> first = envelopes("a-", 3);
    List<Envelope> second = envelopes("b-", 2);
    spool.append(first);
    spool.append(second);

    List<Chunk> chunks = new ArrayList<>();
    long drained =
        spool.drain((envelopes, chunkId) -> chunks.add(new Chunk(chunkId, List.copyOf(envelopes))));

    List<Envelope> expected = new ArrayList<>(first);
    expected.addAll(second);
    assertThat(drained).isEqualTo(5);
    assertThat(flatten(chunks)).containsExactlyElementsOf(expected);
    assertThat(chunks)
        .singleElement()
        .extracting(Chunk::id)
        .asString()
        .matches("spool-\\d{12}-0{8}");
    assertThat(drainAll(spool)).as("a drained spool is empty").isEmpty();
  }

  @Test
  void splitsLargeSegmentsIntoChunksNamedBySegmentAndFirstFrame() throws IOException {
    Spool spool = open();
    List<Envelope> all = envelopes("m-", Spool.DRAIN_CHUNK + 5);
    spool.append(all);

    List<Chunk> chunks = drainAll(spool);

    assertThat(chunks).extracting(c -> c.envelopes().size()).containsExactly(Spool.DRAIN_CHUNK, 5);
    String segment = chunks.get(0).id().substring(0, "spool-000000000000".length());
    assertThat(chunks)
        .extracting(Chunk::id)
        .containsExactly(segment + "-00000000", segment + "-" + String.format("%08d", 10_000));
    assertThat(flatten(chunks)).containsExactlyElementsOf(all);
  }

  @Test
  void drainAfterReopenDeliversWhatWasAppendedBeforeClose() throws IOException {
    Spool first = open();
    List<Envelope> before = envelopes("before-", 4);
    first.append(before);
    first.close();

    Spool reopened = open();
    List<Envelope> after = envelopes("after-", 2);
    reopened.append(after);

    List<Envelope> expected = new ArrayList<>(before);
    expected.addAll(after);
    assertThat(flatten(drainAll(reopened))).containsExactlyElementsOf(expected);
  }

  @Test
  void neverReusesSegmentNumbersAfterEverySegmentWasDrainedAndTheSpoolReopened()
      throws IOException {
    Spool first = open();
    first.append(envelopes("x-", 1));
    List<Chunk> firstChunks = drainAll(first);
    first.close();
    assertThat(segmentFiles()).allSatisfy(p -> assertThat(Files.size(p)).isZero());

    Spool reopened = open();
    reopened.append(envelopes("x-", 1));
    List<Chunk> secondChunks = drainAll(reopened);

    assertThat(firstChunks).hasSize(1);
    assertThat(secondChunks).hasSize(1);
    String firstId = firstChunks.get(0).id();
    String secondId = secondChunks.get(0).id();
    assertThat(secondId).isNotEqualTo(firstId);
    assertThat(secondId).as("segment numbers only grow").isGreaterThan(firstId);
  }

  @Test
  void skipsATruncatedFinalFrameAndKeepsTheEarlierFrames() throws IOException {
    Spool spool = open();
    List<Envelope> all = envelopes("t-", 3);
    for (Envelope e : all) {
      spool.append(List.of(e));
    }
    spool.close();
    Path segment = onlyNonEmptySegment();
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 5);
    }

    assertThat(flatten(drainAll(open()))).containsExactlyElementsOf(all.subList(0, 2));
  }

  @Test
  void skipsGarbageAfterTheLastFrameAndKeepsEveryFrame() throws IOException {
    Spool spool = open();
    List<Envelope> all = envelopes("g-", 3);
    for (Envelope e : all) {
      spool.append(List.of(e));
    }
    spool.close();
    Path segment = onlyNonEmptySegment();
    // A frame header whose length fits the remaining bytes, with a checksum that does not match.
    Files.write(
        segment,
        new byte[] {0, 0, 0, 4, 1, 2, 3, 4, 'j', 'u', 'n', 'k'},
        StandardOpenOption.APPEND);

    assertThat(flatten(drainAll(open()))).containsExactlyElementsOf(all);
  }

  @Test
  void skipsAFewStrayBytesAfterTheLastFrame() throws IOException {
    Spool spool = open();
    List<Envelope> all = envelopes("s-", 2);
    spool.append(all);
    spool.close();
    Files.write(
        onlyNonEmptySegment(),
        "xyz".getBytes(StandardCharsets.US_ASCII),
        StandardOpenOption.APPEND);

    assertThat(flatten(drainAll(open()))).containsExactlyElementsOf(all);
  }

  @Test
  void refusesASecondSpoolOnTheSameDirectoryNamingCdpServe() throws IOException {
    open();

    assertThatThrownBy(() -> new Spool(temp.resolve("spool")))
        .isInstanceOf(Spool.SpoolLockedException.class)
        .hasMessageContaining("cdp serve")
        .hasMessageContaining(temp.resolve("spool").toString());
  }

  @Test
  void opensAgainOnceTheOwnerClosedIt() throws IOException {
    Spool owner = open();
    owner.append(envelopes("o-", 1));
    owner.close();

    assertThat(flatten(drainAll(open()))).containsExactly(envelope("o-0"));
  }

  @Test
  void concurrentAppendsAreAllDurableAndDrainedExactlyOnce() throws Exception {
    Spool spool = open();
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    spool.append(List.of(envelope("c-" + thread + "-" + i)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    spool.close();

    List<Envelope> drained = flatten(drainAll(open()));

    Set<String> expected = new HashSet<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        expected.add("c-" + t + "-" + i);
      }
    }
    assertThat(drained).hasSize(threads * perThread);
    assertThat(drained).extracting(Envelope::messageId).doesNotHaveDuplicates();
    assertThat(drained.stream().map(Envelope::messageId))
        .containsExactlyInAnyOrderElementsOf(expected);
    // Each thread's appends keep their order.
    for (int t = 0; t < threads; t++) {
      String prefix = "c-" + t + "-";
      assertThat(
              drained.stream()
                  .map(Envelope::messageId)
                  .filter(id -> id.startsWith(prefix))
                  .map(id -> Integer.parseInt(id.substring(prefix.length())))
                  .toList())
          .isSorted();
    }
  }

  @Test
  void aConsumerFailureLeavesTheSegmentSoTheNextDrainRedeliversTheSameChunks() throws IOException {
    Spool spool = open();
    List<Envelope> all = envelopes("r-", Spool.DRAIN_CHUNK + 3);
    spool.append(all);

    List<String> seenBeforeCrash = new ArrayList<>();
    assertThatThrownBy(
            () ->
                spool.drain(
                    (envelopes, chunkId) -> {
                      seenBeforeCrash.add(chunkId);
                      if (seenBeforeCrash.size() == 2) {
                        throw new IOException("raw zone unavailable");
                      }
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("raw zone unavailable");
    assertThat(onlyNonEmptySegment()).exists();

    List<Chunk> redelivered = drainAll(spool);

    assertThat(redelivered).extracting(Chunk::id).containsExactlyElementsOf(seenBeforeCrash);
    assertThat(flatten(redelivered)).containsExactlyElementsOf(all);
    assertThat(drainAll(spool)).isEmpty();
  }

  @Test
  void redeliversTheSameChunkIdsAfterAFailedDrainAndAReopen() throws IOException {
    Spool spool = open();
    spool.append(envelopes("p-", 3));
    List<String> ids = new ArrayList<>();
    assertThatThrownBy(
            () ->
                spool.drain(
                    (envelopes, chunkId) -> {
                      ids.add(chunkId);
                      throw new IOException("crash");
                    }))
        .hasMessage("crash");
    spool.close();

    List<Chunk> redelivered = drainAll(open());

    assertThat(redelivered).extracting(Chunk::id).containsExactlyElementsOf(ids);
    assertThat(flatten(redelivered)).containsExactlyElementsOf(envelopes("p-", 3));
  }

  @Test
  void refusesAppendsAfterClose() throws IOException {
    Spool spool = open();
    spool.close();

    assertThatThrownBy(() -> spool.append(envelopes("z-", 1)))
        .isInstanceOf(IOException.class)
        .hasMessage("spool is closed");
  }

  @Test
  void sealsSegmentsBySizeSoADrainNeverHoldsMoreThanOneSegment() throws IOException {
    Spool spool = new Spool(temp.resolve("spool"), 4 * 1024);
    opened.add(spool);
    for (int i = 0; i < 100; i++) {
      spool.append(List.of(envelope("m-" + i)));
    }
    for (Path segment : segmentFiles()) {
      // a segment is sealed by the first append that takes it over the limit
      assertThat(Files.size(segment)).isLessThan(4 * 1024 + 512);
    }
    assertThat(segmentFiles().size()).isGreaterThan(5);

    List<Chunk> chunks = drainAll(spool);

    assertThat(flatten(chunks)).containsExactlyElementsOf(envelopes("m-", 100));
    assertThat(chunks.stream().map(c -> c.id().substring(0, 18)).distinct().count())
        .as("chunks come from several segments")
        .isGreaterThan(5);
  }
}
