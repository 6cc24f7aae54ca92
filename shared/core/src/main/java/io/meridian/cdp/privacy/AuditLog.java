package io.meridian.cdp.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

  /**
   * Signs the head object (ADR 0027), so that whoever rewrites the chain and the head together
   * without the key is found out by {@link #verify()}; {@link #hmac} is the implementation.
   */
  @FunctionalInterface
  public interface HeadSigner {
    /** The signature of {@code canonicalHead}, as text. */
    String sign(byte[] canonicalHead);
  }

  /**
   * HMAC-SHA256 with the key {@code ref} of the secret store (read once, at the first use; at least
   * 16 characters): {@code hmac-sha256:<hex>}.
   */
  public static HeadSigner hmac(SecretStore secrets, SecretRef ref) {
    byte[][] key = new byte[1][];
    return head -> {
      synchronized (key) {
        if (key[0] == null) {
          String secret = secrets.secret(ref);
          if (secret.length() < 16) {
            throw new IllegalStateException("audit key " + ref + " is shorter than 16 characters");
          }
          key[0] = secret.getBytes(StandardCharsets.UTF_8);
        }
      }
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key[0], "HmacSHA256"));
        return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(head));
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("HMAC-SHA256 is part of every Java runtime", e);
      }
    };
  }

  /** How many times an append starts over after losing a race for the head. */
  static final int MAX_ATTEMPTS = 50;

  private final ObjectStore store;
  private final String prefix;
  private final Clock clock;
  private final AppendGuard guard;
  private final HeadSigner signer;
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * @param guard serializes appends across processes; on a store with {@link ConditionalWrites}
   *     (S3) none is needed: the head is replaced only if it is still the one read
   * @param signer signs the head, or null for an unsigned head
   */
  public AuditLog(
      ObjectStore store, String prefix, Clock clock, AppendGuard guard, HeadSigner signer) {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("audit prefix must end with '/': " + prefix);
    }
    this.store = store;
    this.prefix = prefix;
    this.clock = clock;
    this.guard = guard;
    this.signer = signer;
  }

  public AuditLog(ObjectStore store, String prefix, Clock clock, AppendGuard guard) {
    this(store, prefix, clock, guard, null);
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
   * <p>The head is the commit point (ADR 0027): it is written first, holding the new entry's whole
   * line, and only then is the line added to its day object. On a store with {@link
   * ConditionalWrites} both writes are conditional — the head only if it is still the one read, the
   * day object only if it is still the version read — so concurrent writers without a common lock
   * never overwrite each other: the one whose head write fails starts over. A head ahead of the log
   * by its own entry (a writer stopped between the two writes) is completed by the next append.
   *
   * @throws IllegalStateException when the log is damaged (the message says where); nothing is
   *     written then
   */
  public AuditEntry append(AuditEvent event) throws IOException {
    lock.lock();
    try (Closeable crossProcess = guard.acquire()) {
      ConditionalWrites cas = store instanceof ConditionalWrites c ? c : null;
      for (int attempt = 1; ; attempt++) {
        Optional<ConditionalWrites.Tagged> headRead =
            cas != null
                ? cas.getTagged(headKey())
                : store.get(headKey()).map(b -> new ConditionalWrites.Tagged(b, null));
        Tail tail = tail(headRead.map(ConditionalWrites.Tagged::content));
        if (tail.pending() != null) {
          writeLine(cas, tail.pending().key(), tail.pending().line());
          continue;
        }
        Instant now = clock.instant();
        String key = dayKey(LocalDate.ofInstant(now, ZoneOffset.UTC));
        if (tail.key() != null && key.compareTo(tail.key()) < 0) {
          key = tail.key(); // the clock went back past midnight: keep the objects in chain order
        }
        long seq = tail.seq() + 1;
        ObjectNode node = toNode(seq, now, event, tail.hash());
        String hash = hashOf(node);
        node.put("hash", hash);
        String line = canonical(node) + "\n";
        byte[] head = headBytes(seq, hash, key, line);
        if (cas == null) {
          store.put(headKey(), head);
        } else if (cas.putIf(
                headKey(), head, headRead.map(ConditionalWrites.Tagged::tag).orElse(null))
            .isEmpty()) {
          if (attempt >= MAX_ATTEMPTS) {
            throw new IOException(
                "audit log: "
                    + attempt
                    + " appends in a row lost the race for the head; try again");
          }
          backOff(attempt);
          continue;
        }
        writeLine(cas, key, line);
        return new AuditEntry(seq, now, event, tail.hash(), hash);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void backOff(int attempt) throws IOException {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while appending to the audit log");
    }
  }

  /**
   * Adds {@code line} (an entry the head has committed) to the day object {@code key} unless it is
   * there already; the earlier bytes are copied unchanged.
   */
  private void writeLine(ConditionalWrites cas, String key, String line) throws IOException {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    while (true) {
      Optional<ConditionalWrites.Tagged> current =
          cas != null
              ? cas.getTagged(key)
              : store.get(key).map(b -> new ConditionalWrites.Tagged(b, null));
      byte[] base = current.map(ConditionalWrites.Tagged::content).orElse(new byte[0]);
      if (new String(base, StandardCharsets.UTF_8).contains(line)) {
        return; // another writer completed it
      }
      byte[] content = new byte[base.length + bytes.length];
      System.arraycopy(base, 0, content, 0, base.length);
      System.arraycopy(bytes, 0, content, base.length, bytes.length);
      if (cas == null) {
        store.put(key, content);
        return;
      }
      if (cas.putIf(key, content, current.map(ConditionalWrites.Tagged::tag).orElse(null))
          .isPresent()) {
        return;
      }
    }
  }

  private byte[] headBytes(long seq, String hash, String key, String line) {
    ObjectNode head = JsonNodeFactory.instance.objectNode();
    head.put("seq", seq);
    head.put("hash", hash);
    head.put("key", key);
    head.put("entry", line.substring(0, line.length() - 1));
    if (signer != null) {
      head.put("sig", signer.sign(canonical(head).getBytes(StandardCharsets.UTF_8)));
    }
    return canonical(head).getBytes(StandardCharsets.UTF_8);
  }

  /** Why the head's signature does not verify, or empty when it does (or no signer is set). */
  private Optional<String> signatureProblem(JsonNode head) {
    if (signer == null) {
      return Optional.empty();
    }
    if (!head.path("sig").isTextual()) {
      return Optional.of("head signature missing: the head was not written with the audit key");
    }
    ObjectNode unsigned = ((ObjectNode) head).deepCopy();
    unsigned.remove("sig");
    String expected = signer.sign(canonical(unsigned).getBytes(StandardCharsets.UTF_8));
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8),
        head.get("sig").textValue().getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(
          "head signature mismatch: the head was not written with the audit key (chain and head"
              + " rewritten?)");
    }
    return Optional.empty();
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
      tail(store.get(headKey()));
    } finally {
      lock.unlock();
    }
  }

  /** An entry the head has committed that its day object does not hold yet. */
  private record Pending(String key, String line) {}

  /**
   * The newest day object, and the entry the next one chains onto; {@code pending} when the head is
   * one entry ahead and holds that entry.
   */
  private record Tail(String key, long seq, String hash, Pending pending) {}

  private Tail tail(Optional<byte[]> headBytes) throws IOException {
    List<String> keys = dayKeys();
    long lastSeq = 0;
    String lastHash = GENESIS;
    String lastKey = null;
    if (!keys.isEmpty()) {
      lastKey = keys.get(keys.size() - 1);
      byte[] current = store.get(lastKey).orElse(new byte[0]);
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
    Optional<JsonNode> head = parseHead(headBytes);
    if (head.isPresent()) {
      Optional<String> sig = signatureProblem(head.get());
      if (sig.isPresent()) {
        throw damaged(sig.get());
      }
      long headSeq = head.get().path("seq").longValue();
      if (headSeq == lastSeq + 1) {
        Optional<Pending> pending = pending(head.get(), lastSeq, lastHash, lastKey);
        if (pending.isPresent()) {
          return new Tail(lastKey, lastSeq, lastHash, pending.get());
        }
      }
      if (headSeq > lastSeq) {
        throw damaged("the log ends at entry " + lastSeq + " but the head records " + headSeq);
      }
    }
    return new Tail(lastKey, lastSeq, lastHash, null);
  }

  /** The head's own entry, when it is whole and chains onto the log's last entry. */
  private static Optional<Pending> pending(
      JsonNode head, long lastSeq, String lastHash, String lastKey) {
    if (!head.path("entry").isTextual() || !head.path("key").isTextual()) {
      return Optional.empty();
    }
    String key = head.get("key").textValue();
    if (lastKey != null && key.compareTo(lastKey) < 0) {
      return Optional.empty();
    }
    try {
      JsonNode entry = Json.MAPPER.readTree(head.get("entry").textValue());
      if (entry.isObject()
          && shapeProblem(entry).isEmpty()
          && entry.get("seq").longValue() == lastSeq + 1
          && lastHash.equals(entry.get("prev").textValue())
          && hashOf(entry).equals(entry.get("hash").textValue())
          && entry.get("hash").textValue().equals(head.path("hash").asText())
          && canonical(entry).equals(head.get("entry").textValue())) {
        return Optional.of(new Pending(key, head.get("entry").textValue() + "\n"));
      }
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static IllegalStateException damaged(String where) {
    return new IllegalStateException(
        "audit log is damaged (" + where + "); run 'cdp audit verify' — nothing was recorded");
  }

  private static Optional<JsonNode> parseHead(Optional<byte[]> bytes) {
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode head = Json.MAPPER.readTree(bytes.get());
      return head != null && head.isObject() && head.path("seq").canConvertToLong()
          ? Optional.of(head)
          : Optional.empty();
    } catch (IOException e) {
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
    Optional<String> sig = signatureProblem(head);
    if (sig.isPresent()) {
      return broken(entries, lastSeq, prevHash, headKey(), 1, 0, sig.get());
    }
    long headSeq = head.get("seq").longValue();
    if (headSeq > lastSeq) {
      boolean held = pending(head, lastSeq, prevHash, lastKey).isPresent();
      return broken(
          entries,
          lastSeq,
          prevHash,
          lastKey == null ? headKey() : lastKey,
          0,
          lastSeq + 1,
          "truncated: the head records entry "
              + headSeq
              + " but the log ends at entry "
              + lastSeq
              + (held ? " (the head holds that entry: the next append writes it back)" : ""));
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
