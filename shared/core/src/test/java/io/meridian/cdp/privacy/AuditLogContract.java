package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.MovingClock;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.secret.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the audit log guarantees over every object store (ADR 0018, 0027): a test class per store
 * extends this one ({@code AuditLogTest}: in memory; {@code LocalAuditLogTest}: the local directory
 * store with its file lock; {@code S3AuditLogIT}: S3 on moto). Every log here signs its head with
 * an HMAC key from a secret store.
 */
public abstract class AuditLogContract {
  /** The key the tests' head signer reads. */
  protected static final String AUDIT_KEY = "audit-head-key-for-tests-0123456789";

  /** A new, empty store for one test. */
  protected abstract ObjectStore newStore() throws Exception;

  /** How appends of different writers (processes) are serialized on this store. */
  protected AuditLog.AppendGuard guard() {
    return () -> () -> {};
  }

  /** Appends the concurrency test makes (each is a few requests on a remote store). */
  protected int concurrentAppends() {
    return 400;
  }

  protected static AuditLog.HeadSigner signer(String key) {
    return AuditLog.hmac(ref -> key, new SecretRef("file", "audit-head"));
  }

  /** Another writer of the same log (as another process or Lambda instance would be). */
  protected AuditLog writer(ObjectStore on) {
    return new AuditLog(on, AuditLog.DEFAULT_PREFIX, clock, guard(), signer(AUDIT_KEY));
  }

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private ObjectStore store;
  private MovingClock clock;
  private AuditLog log;

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
    clock = new MovingClock(T0);
    log = writer(store);
  }

  private AuditEvent event(int i) {
    return AuditEvent.success("local:tester", "tenants.add", "tenant:t" + i, "ticket " + i)
        .with("n", Integer.toString(i));
  }

  private void appendEntries(int n) throws IOException {
    for (int i = 1; i <= n; i++) {
      log.append(event(i));
    }
  }

  private String dayKey() {
    return "_audit/log/2026-11-24.jsonl";
  }

  private List<String> lines(String key) throws IOException {
    String text = new String(store.get(key).orElseThrow(), StandardCharsets.UTF_8);
    return new ArrayList<>(Arrays.asList(text.split("\n")));
  }

  private void writeLines(String key, List<String> lines) throws IOException {
    store.put(key, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void chainsEveryEntryToThePreviousOneFromTheGenesis() throws IOException {
    AuditEntry first = log.append(event(1));
    AuditEntry second = log.append(event(2));

    assertThat(first.seq()).isEqualTo(1);
    assertThat(first.prev()).isEqualTo(AuditLog.GENESIS);
    assertThat(second.seq()).isEqualTo(2);
    assertThat(second.prev()).isEqualTo(first.hash());
    assertThat(first.hash()).matches("[0-9a-f]{64}").isNotEqualTo(second.hash());
    AuditVerification v = log.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.entries()).isEqualTo(2);
    assertThat(v.lastHash()).isEqualTo(second.hash());
  }

  @Test
  void storesOneJsonLinesObjectPerUtcDayAndReadsEntriesSinceAnInstant() throws IOException {
    log.append(event(1));
    clock.set(T0.plus(Duration.ofDays(1)));
    log.append(event(2));
    log.append(event(3));

    assertThat(store.list("_audit/"))
        .containsExactly(
            "_audit/head.json", "_audit/log/2026-11-24.jsonl", "_audit/log/2026-11-25.jsonl");
    assertThat(lines("_audit/log/2026-11-25.jsonl")).hasSize(2);
    assertThat(log.verify().intact()).isTrue();
    assertThat(log.read(T0.plusSeconds(1))).extracting(AuditEntry::seq).containsExactly(2L, 3L);
    assertThat(log.read(Instant.EPOCH))
        .extracting(e -> e.event().target())
        .containsExactly("tenant:t1", "tenant:t2", "tenant:t3");
  }

  @Test
  void anEmptyLogIsIntact() throws IOException {
    AuditVerification v = log.verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.entries()).isZero();
  }

  @Test
  void detectsAnEditedFieldAtThatEntry() throws IOException {
    appendEntries(5);
    List<String> lines = lines(dayKey());
    lines.set(2, lines.get(2).replace("\"actor\":\"local:tester\"", "\"actor\":\"local:someone\""));
    writeLines(dayKey(), lines);

    AuditVerification v = log.verify();
    assertThat(v.intact()).isFalse();
    assertThat(v.problem().orElseThrow())
        .isEqualTo(
            new AuditVerification.Problem(
                dayKey(),
                3,
                3,
                "hash mismatch: the entry's content does not match its hash (edited)"));
    assertThat(v.entries()).isEqualTo(2);
    assertThat(v.problem().orElseThrow().toString())
        .isEqualTo(
            "_audit/log/2026-11-24.jsonl line 3 (entry 3): hash mismatch: the entry's content"
                + " does not match its hash (edited)");
  }

  @Test
  void detectsAnEditWhoseHashWasRecomputedAtTheNextEntry() throws IOException {
    appendEntries(4);
    List<String> lines = lines(dayKey());
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            io.meridian.cdp.event.Json.MAPPER.readTree(lines.get(1));
    node.put("outcome", "failure");
    node.put("hash", AuditLog.hashOf(node));
    lines.set(1, AuditLog.canonical(node));
    writeLines(dayKey(), lines);

    AuditVerification.Problem p = log.verify().problem().orElseThrow();
    assertThat(p.line()).isEqualTo(3);
    assertThat(p.seq()).isEqualTo(3);
    assertThat(p.reason())
        .isEqualTo(
            "hash mismatch: prev does not match the hash of entry 2, so an earlier entry or this"
                + " one was changed");
  }

  @Test
  void detectsADeletedLine() throws IOException {
    appendEntries(5);
    List<String> lines = lines(dayKey());
    lines.remove(1);
    writeLines(dayKey(), lines);

    AuditVerification.Problem p = log.verify().problem().orElseThrow();
    assertThat(p.line()).isEqualTo(2);
    assertThat(p.seq()).isEqualTo(3);
    assertThat(p.reason()).isEqualTo("sequence gap: expected entry 2, found entry 3");
  }

  @Test
  void detectsReorderedLines() throws IOException {
    appendEntries(5);
    List<String> lines = lines(dayKey());
    Collections.swap(lines, 3, 4);
    writeLines(dayKey(), lines);

    AuditVerification.Problem p = log.verify().problem().orElseThrow();
    assertThat(p.line()).isEqualTo(4);
    assertThat(p.reason()).isEqualTo("sequence gap: expected entry 4, found entry 5");
  }

  @Test
  void detectsAFileTruncatedInsideAnEntry() throws IOException {
    appendEntries(3);
    byte[] bytes = store.get(dayKey()).orElseThrow();
    store.put(dayKey(), Arrays.copyOf(bytes, bytes.length - 20));

    AuditVerification.Problem p = log.verify().problem().orElseThrow();
    assertThat(p.line()).isEqualTo(3);
    assertThat(p.reason()).isEqualTo("unparsable: not JSON");
  }

  @Test
  void detectsEntriesCutOffTheEndThroughTheHead() throws IOException {
    appendEntries(4);
    List<String> lines = lines(dayKey());
    writeLines(dayKey(), lines.subList(0, 2));

    AuditVerification v = log.verify();
    assertThat(v.problem().orElseThrow().reason())
        .isEqualTo("truncated: the head records entry 4 but the log ends at entry 2");
    assertThat(v.problem().orElseThrow().toString())
        .isEqualTo(
            "_audit/log/2026-11-24.jsonl (entry 3): truncated: the head records entry 4 but the"
                + " log ends at entry 2");
  }

  @Test
  void detectsADeletedHead() throws IOException {
    appendEntries(2);
    store.delete("_audit/head.json");

    assertThat(log.verify().problem().orElseThrow().reason()).isEqualTo("head object is missing");
  }

  @Test
  void detectsADeletedDayAsASequenceGap() throws IOException {
    log.append(event(1));
    clock.set(T0.plus(Duration.ofDays(1)));
    log.append(event(2));
    clock.set(T0.plus(Duration.ofDays(2)));
    log.append(event(3));
    store.delete("_audit/log/2026-11-25.jsonl");

    AuditVerification.Problem p = log.verify().problem().orElseThrow();
    assertThat(p.key()).isEqualTo("_audit/log/2026-11-26.jsonl");
    assertThat(p.reason()).isEqualTo("sequence gap: expected entry 2, found entry 3");
  }

  @Test
  void refusesToAppendToADamagedLogAndWritesNothing() throws IOException {
    appendEntries(2);
    List<String> lines = lines(dayKey());
    lines.set(1, lines.get(1).replace("tenant:t2", "tenant:xx"));
    writeLines(dayKey(), lines);
    byte[] before = store.get(dayKey()).orElseThrow();

    assertThatThrownBy(() -> log.append(event(3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "audit log is damaged (_audit/log/2026-11-24.jsonl line 2 does not match its hash);"
                + " run 'cdp audit verify' — nothing was recorded");
    assertThat(store.get(dayKey()).orElseThrow()).isEqualTo(before);
    assertThatThrownBy(() -> log.requireAppendable())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 2 does not match its hash");
  }

  @Test
  void refusesToAppendWhenTheLogEndsBeforeTheHead() throws IOException {
    appendEntries(3);
    List<String> lines = lines(dayKey());
    writeLines(dayKey(), lines.subList(0, 1));

    assertThatThrownBy(() -> log.append(event(4)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "audit log is damaged (the log ends at entry 1 but the head records 3); run 'cdp"
                + " audit verify' — nothing was recorded");
  }

  @Test
  void anEntryTheHeadCommittedButTheLogMissesIsReportedAndWrittenBackByTheNextAppend()
      throws IOException {
    appendEntries(3);
    List<String> lines = lines(dayKey());
    // a writer stopped after the head (the commit point) and before the day object
    writeLines(dayKey(), lines.subList(0, 2));

    assertThat(log.verify().problem().orElseThrow().reason())
        .isEqualTo(
            "truncated: the head records entry 3 but the log ends at entry 2 (the head holds that"
                + " entry: the next append writes it back)");
    log.requireAppendable();
    AuditEntry fourth = log.append(event(4));

    assertThat(fourth.seq()).isEqualTo(4);
    assertThat(lines(dayKey()).subList(0, 3)).isEqualTo(lines);
    AuditVerification v = log.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.entries()).isEqualTo(4);
  }

  @Test
  void theHeadIsSignedSoAChainRewrittenWithItsHeadIsDetectedWithoutTheKey() throws IOException {
    appendEntries(3);
    String head = new String(store.get("_audit/head.json").orElseThrow(), StandardCharsets.UTF_8);
    assertThat(head).contains("\"sig\":\"hmac-sha256:");

    // rewrite entry 2 and everything after it consistently, as someone who can write the store
    // but does not hold the audit key would
    List<String> lines = lines(dayKey());
    String prev = AuditLog.GENESIS;
    List<String> forged = new ArrayList<>();
    for (String line : lines) {
      var node =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              io.meridian.cdp.event.Json.MAPPER.readTree(line);
      if (node.get("seq").asLong() == 2) {
        node.put("reason", "nothing to see");
      }
      node.put("prev", prev);
      node.remove("hash");
      node.put("hash", AuditLog.hashOf(node));
      prev = node.get("hash").asText();
      forged.add(AuditLog.canonical(node));
    }
    writeLines(dayKey(), forged);
    var forgedHead =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            io.meridian.cdp.event.Json.MAPPER.readTree(head);
    forgedHead.put("hash", prev);
    forgedHead.put("entry", forged.get(2));
    forgedHead.remove("sig");
    store.put("_audit/head.json", AuditLog.canonical(forgedHead).getBytes(StandardCharsets.UTF_8));
    // without a key the chain is consistent; with the audit key it is not
    assertThat(new AuditLog(store, AuditLog.DEFAULT_PREFIX, clock).verify().intact()).isTrue();
    assertThat(log.verify().problem().orElseThrow().reason())
        .isEqualTo("head signature missing: the head was not written with the audit key");
    forgedHead.put("sig", "hmac-sha256:" + "0".repeat(64));
    store.put("_audit/head.json", AuditLog.canonical(forgedHead).getBytes(StandardCharsets.UTF_8));
    assertThat(log.verify().problem().orElseThrow().reason())
        .isEqualTo(
            "head signature mismatch: the head was not written with the audit key (chain and head"
                + " rewritten?)");
    assertThatThrownBy(() -> log.append(event(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("head signature mismatch");
  }

  @Test
  void aWriterThatReadAnOlderHeadLosesTheRaceAndStartsOverSoNoEntryIsOverwritten()
      throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        store instanceof ConditionalWrites,
        "this store serializes writers with its append guard instead of conditional writes");
    appendEntries(2);
    AuditLog other = writer(store);
    boolean[] raced = {false};
    // between this writer's reads and its head write, another writer appends entry 3
    ObjectStore racing =
        new RacingStore(
            store,
            () -> {
              if (!raced[0]) {
                raced[0] = true;
                other.append(event(30));
              }
            });
    AuditEntry mine = writer(racing).append(event(40));

    assertThat(raced[0]).isTrue();
    assertThat(mine.seq()).isEqualTo(4);
    AuditVerification v = log.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(log.read(Instant.EPOCH))
        .extracting(e -> e.event().target())
        .containsExactly("tenant:t1", "tenant:t2", "tenant:t30", "tenant:t40");
  }

  /** A store that runs {@code beforeHeadWrite} before each conditional write of the head. */
  private record RacingStore(ObjectStore store, IoAction beforeHeadWrite)
      implements ObjectStore, ConditionalWrites {
    @Override
    public void put(String key, byte[] content) throws IOException {
      store.put(key, content);
    }

    @Override
    public void putFile(String key, Path file) throws IOException {
      store.putFile(key, file);
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
      return store.get(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      return store.list(prefix);
    }

    @Override
    public boolean exists(String key) throws IOException {
      return store.exists(key);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public Optional<Tagged> getTagged(String key) throws IOException {
      return ((ConditionalWrites) store).getTagged(key);
    }

    @Override
    public Optional<String> putIf(String key, byte[] content, String expectedTag)
        throws IOException {
      if (key.endsWith("head.json")) {
        beforeHeadWrite.run();
      }
      return ((ConditionalWrites) store).putIf(key, content, expectedTag);
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  @Test
  void neverRewritesEarlierEntriesWhenAppending() throws IOException {
    appendEntries(3);
    byte[] before = store.get(dayKey()).orElseThrow();
    log.append(event(4));
    byte[] after = store.get(dayKey()).orElseThrow();

    assertThat(Arrays.copyOf(after, before.length)).isEqualTo(before);
  }

  @Test
  void keepsAValidChainUnderConcurrentAppendsInOneProcess() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<AuditEntry>> futures = new ArrayList<>();
      for (int i = 0; i < concurrentAppends(); i++) {
        int n = i;
        futures.add(pool.submit(() -> log.append(event(n))));
      }
      for (Future<AuditEntry> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    AuditVerification v = log.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.entries()).isEqualTo(concurrentAppends());
    assertThat(log.read(Instant.EPOCH))
        .extracting(AuditEntry::seq)
        .doesNotHaveDuplicates()
        .hasSize(concurrentAppends());
  }

  @Test
  void rejectsAnEventWithoutAnActorOrWithAnUnknownOutcome() {
    assertThatThrownBy(() -> AuditEvent.success(" ", "a", "t", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit actor must not be blank");
    assertThatThrownBy(() -> new AuditEvent("a", "b", "c", "", "ok", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audit outcome must be success, failure or denied, not 'ok'");
  }
}
