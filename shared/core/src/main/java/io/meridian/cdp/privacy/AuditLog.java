package io.meridian.cdp.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.lake.ObjectStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tamper-evident audit log of privileged actions (ADR 0018): JSON Lines in one object per UTC
 * day, {@code <prefix>log/YYYY-MM-DD.jsonl}, each entry carrying the SHA-256 of the previous entry
 * so that an edited, deleted, inserted or reordered entry breaks the chain at that entry; a head
 * object {@code <prefix>head.json} holds the last sequence number and hash so that entries cut off
 * the end are noticed too.
 *
 * <p>An append re-reads the newest day object, checks that it still ends with the entry the head
 * names, and writes the object back with one more line (the object store's put is atomic, so a
 * reader sees the old or the new object; earlier bytes are copied unchanged). Appends are
 * serialized within the process by a lock and across processes by the optional {@link AppendGuard}
 * the runtime supplies. A log that is damaged refuses further appends, so an action is never
 * recorded on a broken chain.
 */
public final class AuditLog {
  /** The {@code prev} of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  /** Where local mode keeps the log in the lake. */
  public static final String DEFAULT_PREFIX = "_audit/";

  private static final Set<String> FIELDS =
      Set.of(
          "seq", "time", "actor", "action", "target", "reason", "outcome", "details", "prev",
          "hash");

  /** Serializes appends across processes (e.g. a file lock in local mode). */
  @FunctionalInterface
  public interface AppendGuard {
    Closeable acquire() throws IOException;
  }

  private final ObjectStore store;
  private final String prefix;
  private final Clock clock;
  private final AppendGuard guard;
  private final ReentrantLock lock = new ReentrantLock();

  public AuditLog(ObjectStore store, String prefix, Clock clock, AppendGuard guard) {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("audit prefix must end with '/': " + prefix);
    }
    this.store = store;
    this.prefix = prefix;
    this.clock = clock;
    this.guard = guard;
  }

  /** A log whose appends are serialized within this process only. */
  public AuditLog(ObjectStore store, String prefix, Clock clock) {
    this(store, prefix, clock, () -> () -> {});
  }

  String headKey() {
    return prefix + "head.json";
  }

  String dayKey(LocalDate day) {
    return prefix + "log/" + day + ".jsonl";
  }

  /** The day objects, oldest first. */
  List<String> dayKeys() throws IOException {
    List<String> keys = new ArrayList<>();
    for (String key : store.list(prefix + "log/")) {
      if (key.endsWith(".jsonl")) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * Appends {@code event} and returns the entry written.
   *
   * @throws IllegalStateException when the log is damaged (the message says where); nothing is
   *     written then
   */
  public AuditEntry append(AuditEvent event) throws IOException {
    lock.lock();
    try (Closeable crossProcess = guard.acquire()) {
      Tail tail = tail();
      long lastSeq = tail.seq();
      String lastHash = tail.hash();
      byte[] current = tail.content();
      String lastKey = tail.key();
      Instant now = clock.instant();
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      String key = dayKey(today);
      if (lastKey != null && key.compareTo(lastKey) < 0) {
        key = lastKey; // the clock went back past midnight: keep the objects in chain order
      }
      ObjectNode node = toNode(lastSeq + 1, now, event, lastHash);
      String hash = hashOf(node);
      node.put("hash", hash);
      byte[] line = (canonical(node) + "\n").getBytes(StandardCharsets.UTF_8);
      byte[] base = key.equals(lastKey) ? current : new byte[0];
      byte[] content = new byte[base.length + line.length];
      System.arraycopy(base, 0, content, 0, base.length);
      System.arraycopy(line, 0, content, base.length, line.length);
      store.put(key, content);
      ObjectNode headNode = JsonNodeFactory.instance.objectNode();
      headNode.put("seq", lastSeq + 1);
      headNode.put("hash", hash);
      headNode.put("key", key);
      store.put(headKey(), canonical(headNode).getBytes(StandardCharsets.UTF_8));
      return new AuditEntry(lastSeq + 1, now, event, lastHash, hash);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks, without writing, that an entry could be appended now; a command calls it before a
   * privileged action so that an action is not done when it could not be recorded.
   *
   * @throws IllegalStateException when the log is damaged where the next entry would chain on
   */
  public void requireAppendable() throws IOException {
    lock.lock();
    try (Closeable crossProcess = guard.acquire()) {
      tail();
    } finally {
      lock.unlock();
    }
  }

  /** The newest day object, its content, and the entry the next one chains onto. */
  private record Tail(String key, byte[] content, long seq, String hash) {}

  private Tail tail() throws IOException {
    List<String> keys = dayKeys();
    long lastSeq = 0;
    String lastHash = GENESIS;
    byte[] current = new byte[0];
    String lastKey = null;
    if (!keys.isEmpty()) {
      lastKey = keys.get(keys.size() - 1);
      current = store.get(lastKey).orElse(new byte[0]);
      String text = new String(current, StandardCharsets.UTF_8);
      String[] lines = text.split("\n");
      String lastLine = lines[lines.length - 1];
      if (!text.endsWith("\n") || lastLine.isEmpty()) {
        throw damaged(lastKey + " does not end with a complete entry");
      }
      JsonNode last;
      try {
        last = Json.MAPPER.readTree(lastLine);
      } catch (JsonProcessingException e) {
        throw damaged(lastKey + " line " + lines.length + " is not JSON");
      }
      if (!last.path("seq").canConvertToLong() || !last.path("hash").isTextual()) {
        throw damaged(lastKey + " line " + lines.length + " has no seq or hash");
      }
      lastSeq = last.get("seq").longValue();
      lastHash = last.get("hash").textValue();
      if (!lastHash.equals(hashOf(last))) {
        throw damaged(lastKey + " line " + lines.length + " does not match its hash");
      }
    }
    Optional<long[]> head = readHeadSeq();
    if (head.isPresent() && head.get()[0] > lastSeq) {
      throw damaged("the log ends at entry " + lastSeq + " but the head records " + head.get()[0]);
    }
    return new Tail(lastKey, current, lastSeq, lastHash);
  }

  private static IllegalStateException damaged(String where) {
    return new IllegalStateException(
        "audit log is damaged (" + where + "); run 'cdp audit verify' — nothing was recorded");
  }

  private Optional<long[]> readHeadSeq() throws IOException {
    Optional<byte[]> bytes = store.get(headKey());
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode head = Json.MAPPER.readTree(bytes.get());
      return head.path("seq").canConvertToLong()
          ? Optional.of(new long[] {head.get("seq").longValue()})
          : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Walks the whole chain and reports the first bad entry, if any. */
  public AuditVerification verify() throws IOException {
    long expectedSeq = 1;
    String prevHash = GENESIS;
    long entries = 0;
    String lastKey = null;
    for (String key : dayKeys()) {
      lastKey = key;
      String text = new String(store.get(key).orElse(new byte[0]), StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        int lineNo = i + 1;
        if (i == lines.length - 1 && line.isEmpty()) {
          break; // the newline that closes the last entry
        }
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
          return broken(entries, expectedSeq - 1, prevHash, key, lineNo, 0, "unparsable: not JSON");
        }
        if (node == null || !node.isObject()) {
          return broken(
              entries, expectedSeq - 1, prevHash, key, lineNo, 0, "unparsable: not a JSON object");
        }
        Optional<String> shape = shapeProblem(node);
        long seq = node.path("seq").canConvertToLong() ? node.get("seq").longValue() : 0;
        if (shape.isPresent()) {
          return broken(entries, expectedSeq - 1, prevHash, key, lineNo, seq, shape.get());
        }
        if (seq != expectedSeq) {
          return broken(
              entries,
              expectedSeq - 1,
              prevHash,
              key,
              lineNo,
              seq,
              "sequence gap: expected entry " + expectedSeq + ", found entry " + seq);
        }
        if (!prevHash.equals(node.get("prev").textValue())) {
          return broken(
              entries,
              expectedSeq - 1,
              prevHash,
              key,
              lineNo,
              seq,
              "hash mismatch: prev does not match the hash of entry "
                  + (seq - 1)
                  + (seq == 1 ? " (genesis)" : "")
                  + ", so an earlier entry or this one was changed");
        }
        String hash = hashOf(node);
        if (!hash.equals(node.get("hash").textValue())) {
          return broken(
              entries,
              expectedSeq - 1,
              prevHash,
              key,
              lineNo,
              seq,
              "hash mismatch: the entry's content does not match its hash (edited)");
        }
        entries++;
        expectedSeq++;
        prevHash = hash;
      }
    }
    long lastSeq = expectedSeq - 1;
    Optional<byte[]> headBytes = store.get(headKey());
    if (headBytes.isEmpty()) {
      if (lastSeq > 0) {
        return broken(entries, lastSeq, prevHash, headKey(), 1, 0, "head object is missing");
      }
      return new AuditVerification(0, 0, GENESIS, Optional.empty());
    }
    JsonNode head;
    try {
      head = Json.MAPPER.readTree(headBytes.get());
    } catch (JsonProcessingException e) {
      return broken(entries, lastSeq, prevHash, headKey(), 1, 0, "unparsable: not JSON");
    }
    if (!head.path("seq").canConvertToLong() || !head.path("hash").isTextual()) {
      return broken(entries, lastSeq, prevHash, headKey(), 1, 0, "unparsable: no seq or hash");
    }
    long headSeq = head.get("seq").longValue();
    if (headSeq > lastSeq) {
      return broken(
          entries,
          lastSeq,
          prevHash,
          lastKey == null ? headKey() : lastKey,
          0,
          lastSeq + 1,
          "truncated: the head records entry " + headSeq + " but the log ends at entry " + lastSeq);
    }
    if (headSeq == lastSeq && !head.get("hash").textValue().equals(prevHash)) {
      return broken(
          entries,
          lastSeq,
          prevHash,
          headKey(),
          1,
          headSeq,
          "hash mismatch: the head's hash differs from entry " + headSeq + " (chain rewritten)");
    }
    // A head behind the log by entries is a crash between the two puts of an append.
    return new AuditVerification(entries, lastSeq, prevHash, Optional.empty());
  }

  private static AuditVerification broken(
      long entries, long lastSeq, String lastHash, String key, int line, long seq, String reason) {
    return new AuditVerification(
        entries,
        lastSeq,
        lastHash,
        Optional.of(new AuditVerification.Problem(key, line, seq, reason)));
  }

  private static Optional<String> shapeProblem(JsonNode node) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        return Optional.of("unparsable: unexpected field '" + name + "'");
      }
    }
    if (!node.path("seq").isIntegralNumber() || node.get("seq").longValue() < 1) {
      return Optional.of("unparsable: seq is not a positive whole number");
    }
    for (String text : List.of("time", "actor", "action", "target", "reason", "outcome")) {
      if (!node.path(text).isTextual()) {
        return Optional.of("unparsable: " + text + " is missing or not text");
      }
    }
    for (String hash : List.of("prev", "hash")) {
      if (!node.path(hash).isTextual() || !node.get(hash).textValue().matches("[0-9a-f]{64}")) {
        return Optional.of("unparsable: " + hash + " is not a SHA-256 hex digest");
      }
    }
    if (!node.path("details").isObject()) {
      return Optional.of("unparsable: details is not an object");
    }
    try {
      Instant.parse(node.get("time").textValue());
    } catch (DateTimeParseException e) {
      return Optional.of("unparsable: time is not an ISO-8601 instant");
    }
    return Optional.empty();
  }

  /** The entries recorded at or after {@code since}, oldest first; the chain is not checked. */
  public List<AuditEntry> read(Instant since) throws IOException {
    LocalDate fromDay = LocalDate.ofInstant(since, ZoneOffset.UTC);
    List<AuditEntry> out = new ArrayList<>();
    for (String key : dayKeys()) {
      String day = key.substring(key.lastIndexOf('/') + 1, key.length() - ".jsonl".length());
      try {
        if (LocalDate.parse(day).isBefore(fromDay)) {
          continue;
        }
      } catch (DateTimeParseException e) {
        // not a day object of ours: read it anyway, verify will say what is wrong
      }
      String text = new String(store.get(key).orElse(new byte[0]), StandardCharsets.UTF_8);
      int lineNo = 0;
      for (String line : text.split("\n")) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        JsonNode node;
        try {
          node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(
              key + " line " + lineNo + " is not JSON; run 'cdp audit verify'");
        }
        Optional<String> shape = shapeProblem(node);
        if (shape.isPresent()) {
          throw new IllegalStateException(
              key + " line " + lineNo + ": " + shape.get() + "; run 'cdp audit verify'");
        }
        AuditEntry entry = fromNode(node);
        if (!entry.time().isBefore(since)) {
          out.add(entry);
        }
      }
    }
    return List.copyOf(out);
  }

  private static ObjectNode toNode(long seq, Instant time, AuditEvent event, String prev) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("seq", seq);
    node.put("time", time.toString());
    node.put("actor", event.actor());
    node.put("action", event.action());
    node.put("target", event.target());
    node.put("reason", event.reason());
    node.put("outcome", event.outcome());
    ObjectNode details = node.putObject("details");
    new TreeMap<>(event.details()).forEach(details::put);
    node.put("prev", prev);
    return node;
  }

  private static AuditEntry fromNode(JsonNode node) {
    Map<String, String> details = new TreeMap<>();
    node.get("details")
        .fields()
        .forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
    AuditEvent event =
        new AuditEvent(
            node.get("actor").textValue(),
            node.get("action").textValue(),
            node.get("target").textValue(),
            node.get("reason").textValue(),
            node.get("outcome").textValue(),
            details);
    return new AuditEntry(
        node.get("seq").longValue(),
        Instant.parse(node.get("time").textValue()),
        event,
        node.get("prev").textValue(),
        node.get("hash").textValue());
  }

  /** SHA-256 (hex) of the canonical JSON of {@code node} without its {@code hash} field. */
  static String hashOf(JsonNode node) {
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove("hash");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical(copy).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Canonical JSON: object keys sorted at every level, no whitespace. */
  static String canonical(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsString(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Set<String> names = new TreeSet<>();
      node.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        out.set(name, sorted(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> out.add(sorted(n)));
      return out;
    }
    return node;
  }
}
