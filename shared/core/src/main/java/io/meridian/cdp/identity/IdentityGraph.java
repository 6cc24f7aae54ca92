package io.meridian.cdp.identity;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One tenant's identity graph in memory: every identifier and the profile it belongs to.
 *
 * <p>Events are linked one at a time, in the canonical order (received_at, message_id). For each
 * event, its identifiers are taken highest priority first: the profile of the first known one is
 * the event's home; every other known profile is merged into it unless the merged profile would
 * hold more values of a type than the type's limit (then the link is refused and recorded); new
 * identifiers join the home profile within the limits, or else start a new profile. When the
 * event's highest-priority identifier is new and other identifiers are known, it is placed first
 * (in the first of their profiles that can take it, else in a new profile) and that profile is the
 * home, so a merge is only made if the merged profile can also hold it: a new user on a device
 * shared with another user never pulls their email or other devices into that user's profile. A
 * merge keeps the id of the older profile (earliest created_at, then smaller id), so a profile's id
 * never changes when identifiers are added. Because the result depends only on the events and their
 * order, resolving day 1 then day 2 gives the same graph as resolving both days at once.
 *
 * <p>Profile ids are {@code p_} and 20 hex digits of SHA-256 over the tenant, the creating event's
 * message id and its first identifier: reproducible, and revealing nothing of the identifier.
 *
 * <p>Representation (ADR 0024): each identifier is stored once, as a record in a few large byte
 * arenas — its profile, first and last seen, shared flag, type and UTF-8 bytes side by side — and
 * is known by the record's 32-bit address; an open-addressing index whose slots hold a 32-bit hash
 * beside the address finds it, so a known identifier costs about two cache misses (its slot, its
 * record) and no object. Profiles are a union-find over int arrays (path compression; the older
 * profile is the root), each root keeping its counts per identifier type for the limits in a
 * parallel int array, and its id as 80 bits. The entry point {@link #link(Ids, byte[], int, int,
 * String, long, long)} takes identifiers and the message id as byte slices and allocates nothing
 * per event except for new profiles, merges and refused links.
 */
public final class IdentityGraph {
  /** Arena chunks of 16 MiB; records start at multiples of 8 bytes, addressed in 8-byte units. */
  private static final int CHUNK_BITS = 24;

  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int UNIT_BITS = CHUNK_BITS - 3;
  private static final int MAX_CHUNKS = 1 << (32 - UNIT_BITS);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  // a node's record: profile, first seen, last seen, shared flag and type, varint length, bytes
  private static final int PROFILE = 0;
  private static final int FIRST = 4;
  private static final int LAST = 12;
  private static final int FLAGS = 20;
  private static final int VALUE = 21;
  private static final int SHARED = 0x80;
  private static final HexFormat HEX = HexFormat.of();

  private final String tenant;
  private final byte[] tenantUtf8;
  private final IdentityRules rules;
  private final String[] typeNames;
  private final byte[][] typeUtf8;
  private final int[] limits;
  private final int types;

  /**
   * Open-addressing index of the identifiers: each slot is (hash &lt;&lt; 32 | address of the
   * node's record), 0 when empty, probed linearly from the hash of (type, value). A probe compares
   * the hash first, so it rarely reads the record of another identifier.
   */
  private long[] index = new long[2048];

  /**
   * The nodes' records, appended in the order identifiers are first seen: everything linking reads
   * or updates of an identifier (its profile, first and last seen, shared flag) sits beside its
   * bytes, so a known identifier costs two cache misses: its index slot and its record.
   */
  private byte[][] arena = {new byte[4096]};

  private int arenaChunk;
  private int arenaPos = 8; // address 0 means "no node"

  private int nodeCount;
  private int[] nodeAddr = new int[1024];

  private int profileCount;
  private int[] parent = new int[1024];
  private long[] idHigh = new long[1024];
  private char[] idLow = new char[1024];
  private long[] createdAt = new long[1024];
  private int[] counts;

  private final List<Merge> merges = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();
  private final Set<String> blockedPairs = new HashSet<>();
  private final MessageDigest sha = sha256();
  private final byte[] digest = new byte[32];
  private final Ids scratch = new Ids();
  private int[] known = new int[8];
  private int lastDeciding;

  /** Where {@link #prefetch} leaves what it read, so that the reads are not optimized away. */
  private long prefetched;

  /** A merge of one profile into another, with its provenance. */
  public record Merge(
      String fromProfileId,
      String intoProfileId,
      String rule,
      String identifierType,
      String identifier,
      String messageId,
      long mergedAtMicros) {}

  /** A link refused because a limit would have been exceeded, and why. */
  public record Block(
      String profileId,
      String otherProfileId,
      String rule,
      String identifierType,
      String identifier,
      String messageId,
      long blockedAtMicros) {}

  /** One identifier with its profile, as a row of {@code curated.identity_graph}. */
  public record Node(
      String identifierType,
      String identifier,
      String profileId,
      long firstSeenMicros,
      long lastSeenMicros,
      boolean shared) {}

  /**
   * The identifiers of one event, highest priority first, as UTF-8 byte slices: a reusable holder
   * for {@link #link(Ids, byte[], int, int, String, long, long)}. The slices must stay unchanged
   * until that call returns; the graph copies what it keeps.
   */
  public static final class Ids {
    private int size;
    private int[] type = new int[4];
    private byte[][] buf = new byte[4][];
    private int[] off = new int[4];
    private int[] len = new int[4];
    private int[] hash = new int[4];

    /** Empties the holder for the next event. */
    public Ids clear() {
      size = 0;
      return this;
    }

    public int size() {
      return size;
    }

    /**
     * Adds an identifier of rule {@code type} whose UTF-8 bytes are {@code bytes[from,
     * from+length)}.
     */
    public Ids add(int type, byte[] bytes, int from, int length) {
      if (size == this.type.length) {
        int n = size * 2;
        this.type = Arrays.copyOf(this.type, n);
        buf = Arrays.copyOf(buf, n);
        off = Arrays.copyOf(off, n);
        len = Arrays.copyOf(len, n);
        hash = Arrays.copyOf(hash, n);
      }
      this.type[size] = type;
      buf[size] = bytes;
      off[size] = from;
      len[size] = length;
      hash[size] = hash(type, bytes, from, length);
      size++;
      return this;
    }

    /** Adds an identifier given as text. */
    public Ids add(int type, String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      return add(type, utf8, 0, utf8.length);
    }

    String value(int i) {
      return new String(buf[i], off[i], len[i], StandardCharsets.UTF_8);
    }
  }

  public IdentityGraph(String tenant, IdentityRules rules) {
    this.tenant = tenant;
    this.tenantUtf8 = tenant.getBytes(StandardCharsets.UTF_8);
    this.rules = rules;
    this.typeNames = rules.typeNames().toArray(String[]::new);
    this.types = typeNames.length;
    this.typeUtf8 = new byte[types][];
    for (int t = 0; t < types; t++) {
      typeUtf8[t] = typeNames[t].getBytes(StandardCharsets.UTF_8);
    }
    if (types > 127) {
      throw new IllegalArgumentException("at most 127 identifier types, got " + types);
    }
    this.limits =
        rules.identifiers().stream().mapToInt(IdentityRules.IdentifierRule::limit).toArray();
    this.counts = new int[1024 * types];
  }

  public IdentityRules rules() {
    return rules;
  }

  /**
   * Links the identifiers of one event and returns the profile id the event belongs to (the profile
   * of its first identifier), or null when {@code ids} is empty.
   */
  public String link(
      List<Identifier> ids, String messageId, String callType, long timestamp, long receivedAt) {
    if (ids.isEmpty()) {
      return null;
    }
    Ids holder = scratch.clear();
    for (Identifier id : ids) {
      holder.add(id.type(), id.value());
    }
    byte[] message = messageId.getBytes(StandardCharsets.UTF_8);
    int profile = link(holder, message, 0, message.length, callType, timestamp, receivedAt);
    return profileId(profile);
  }

  /**
   * Links the identifiers of one event, given as byte slices, and returns the number of the profile
   * the event belongs to now (see {@link #profileId(int)}), or -1 when {@code ids} is empty. {@code
   * messageId[from, from+length)} is the event's message id in UTF-8.
   */
  public int link(
      Ids ids,
      byte[] messageId,
      int from,
      int length,
      String callType,
      long timestamp,
      long receivedAt) {
    int size = ids.size;
    if (size == 0) {
      lastDeciding = 0;
      return -1;
    }
    if (known.length < size) {
      known = new int[size * 2];
    }
    // node record addresses; 0 = not in the graph yet
    int[] known = this.known;
    for (int i = 0; i < size; i++) {
      known[i] = lookup(ids.type[i], ids.buf[i], ids.off[i], ids.len[i], ids.hash[i]);
    }
    int home = -1;
    // The highest-priority identifier decides, so when it is new it is placed first: in the
    // profile of the first known identifier that can take it, else in a profile of its own. The
    // event's other known profiles then merge into that one only if the result stays within the
    // limits *with* it: a new user on a device shared with another user (already in that user's
    // profile) never pulls their email or other devices into the other user's profile.
    if (known[0] == 0) {
      int firstType = ids.type[0];
      int target = -1;
      boolean anyKnown = false;
      for (int i = 0; i < size; i++) {
        int n = known[i];
        if (n != 0) {
          anyKnown = true;
          int r = find(profileOf(n));
          if (fits(r, firstType)) {
            target = r;
            break;
          }
        }
      }
      if (anyKnown) {
        if (target < 0) {
          target = newProfile(messageId, from, length, ids, 0, receivedAt);
        }
        known[0] = addNode(ids, 0, target, timestamp);
      }
    }
    for (int i = 0; i < size; i++) {
      int n = known[i];
      if (n == 0) {
        continue;
      }
      int r = find(profileOf(n));
      if (home < 0) {
        home = r;
      } else if (r != home) {
        int over = overLimit(home, r);
        if (over < 0) {
          home = merge(home, r, ids, i, messageId, from, length, callType, timestamp);
        } else {
          block(home, r, over, ids, i, messageId, from, length, timestamp);
        }
      }
    }
    // New identifiers go where the event's first identifier went, else to the home profile,
    // else to a profile this event created; one that fits none starts a new profile.
    int anchor = known[0] != 0 ? home : -1;
    int fresh = -1;
    for (int i = 0; i < size; i++) {
      if (known[i] != 0) {
        continue;
      }
      int type = ids.type[i];
      int target = -1;
      if (anchor >= 0 && fits(anchor, type)) {
        target = anchor;
      } else if (home >= 0 && fits(home, type)) {
        target = home;
      } else if (fresh >= 0 && fits(fresh, type)) {
        target = fresh;
      }
      if (target < 0) {
        target = newProfile(messageId, from, length, ids, i, receivedAt);
        if (home >= 0) {
          block(home, target, type, ids, i, messageId, from, length, timestamp);
        } else {
          home = target;
        }
        fresh = target;
      }
      if (anchor < 0) {
        anchor = target;
      }
      known[i] = addNode(ids, i, target, timestamp);
    }
    int eventProfile = find(profileOf(known[0]));
    for (int i = 0; i < size; i++) {
      int n = known[i];
      byte[] chunk = arena[n >>> UNIT_BITS];
      int pos = (n & ((1 << UNIT_BITS) - 1)) << 3;
      if (timestamp < (long) LONG.get(chunk, pos + FIRST)) {
        LONG.set(chunk, pos + FIRST, timestamp);
      }
      if (timestamp > (long) LONG.get(chunk, pos + LAST)) {
        LONG.set(chunk, pos + LAST, timestamp);
      }
      if (find((int) INT.get(chunk, pos + PROFILE)) != eventProfile) {
        // Seen with someone whose profile it could not join: a kiosk, a family tablet, an email
        // typed by two people. From now on it decides no event.
        chunk[pos + FLAGS] |= (byte) SHARED;
      }
    }
    lastDeciding = known[0];
    return eventProfile;
  }

  /**
   * Reads, without changing anything, the index slots and node records a later {@link #link(Ids,
   * byte[], int, int, String, long, long)} of {@code ids} will read, so that their cache misses
   * overlap with the work on the events before it: a reader that calls this for the event a few
   * places ahead of the one it links hides most of the memory latency of a large graph. Has no
   * effect on the result.
   */
  public void prefetch(Ids ids) {
    long[] index = this.index;
    int mask = index.length - 1;
    long touched = 0;
    for (int i = 0; i < ids.size; i++) {
      int hash = ids.hash[i];
      long slot = index[hash & mask];
      if ((int) (slot >>> 32) == hash) {
        int addr = (int) slot;
        touched += arena[addr >>> UNIT_BITS][(addr & ((1 << UNIT_BITS) - 1)) << 3];
      }
      touched += slot;
    }
    prefetched += touched;
  }

  /**
   * Whether the deciding (first) identifier of the event linked last is shared: {@link
   * #isShared(int, String)} of it without looking it up again.
   */
  public boolean lastDecidingShared() {
    return lastDeciding != 0 && isSharedAt(lastDeciding);
  }

  /** The id of profile number {@code profile}, as returned by the byte-slice {@code link}. */
  public String profileId(int profile) {
    return profile < 0 ? null : profileIdText(find(profile));
  }

  /**
   * Whether an identifier is shared: an event once carried it together with a deciding identifier
   * of another profile that a limit kept apart from its own. An event whose deciding identifier is
   * shared belongs to no profile, because nothing in it tells whose it is.
   */
  public boolean isShared(int type, String value) {
    int n = lookup(type, value);
    return n != 0 && isSharedAt(n);
  }

  /** The current profile id of an identifier, or null when the graph does not hold it. */
  public String profileOf(int type, String value) {
    int n = lookup(type, value);
    return n == 0 ? null : profileIdText(find(profileOf(n)));
  }

  public int identifierCount() {
    return nodeCount;
  }

  /** The number of distinct profiles. */
  public int profileCount() {
    int roots = 0;
    for (int p = 0; p < profileCount; p++) {
      if (parent[p] == p) {
        roots++;
      }
    }
    return roots;
  }

  /** Merges recorded since this graph was created or loaded, in the order they happened. */
  public List<Merge> merges() {
    return merges;
  }

  /** Refused links recorded since this graph was created or loaded. */
  public List<Block> blocks() {
    return blocks;
  }

  /** Every identifier with its current profile, in the order they were first seen. */
  public List<Node> nodes() {
    List<Node> out = new ArrayList<>(nodeCount);
    forEachNode(out::add);
    return out;
  }

  /**
   * Every identifier with its current profile, in the order they were first seen, one at a time:
   * {@link #nodes()} without holding them all.
   */
  public void forEachNode(Consumer<Node> visitor) {
    for (int n = 0; n < nodeCount; n++) {
      visitor.accept(node(n));
    }
  }

  /**
   * The identifier first seen {@code n}-th (0 ≤ n < {@link #identifierCount()}) with its current
   * profile: {@link #nodes()} one at a time, for callers that pull rows.
   */
  public Node node(int n) {
    if (n < 0 || n >= nodeCount) {
      throw new IndexOutOfBoundsException("node " + n + " of " + nodeCount);
    }
    int addr = nodeAddr[n];
    byte[] chunk = valueChunk(n);
    long slice = valueSlice(n);
    return new Node(
        typeNames[nodeType(n)],
        new String(chunk, (int) slice, (int) (slice >>> 32), StandardCharsets.UTF_8),
        profileIdText(find(profileOf(addr))),
        firstSeen(n),
        lastSeen(n),
        isSharedAt(addr));
  }

  /** Profile ids and their creation times (received_at of the creating event, micros). */
  public Map<String, Long> profiles() {
    Map<String, Long> out = new HashMap<>();
    for (int p = 0; p < profileCount; p++) {
      if (parent[p] == p) {
        out.put(profileIdText(p), createdAt[p]);
      }
    }
    return out;
  }

  /**
   * Restores one identifier of a saved graph. Profiles must be restored first with {@link
   * #restoreProfile}; identifiers of a type these rules no longer declare are dropped.
   */
  public void restoreNode(
      String type,
      String value,
      String profile,
      long first,
      long last,
      boolean isShared,
      Map<String, Integer> ids) {
    int t = rules.indexOf(type);
    Integer p = ids.get(profile);
    if (t < 0 || p == null) {
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    restoreNode(t, utf8, 0, utf8.length, p, first, last, isShared);
  }

  /**
   * Restores one identifier of a saved graph given as UTF-8 bytes: {@link #restoreNode(String,
   * String, String, long, long, boolean, Map)} for a reader that decodes columns, with the type's
   * rule index and the number {@link #restoreProfile} returned for its profile.
   */
  public void restoreNode(
      int type,
      byte[] value,
      int from,
      int length,
      int profile,
      long first,
      long last,
      boolean isShared) {
    if (type < 0 || type >= types || profile < 0 || profile >= profileCount) {
      throw new IllegalArgumentException("type " + type + " or profile " + profile + " unknown");
    }
    Ids holder = scratch.clear().add(type, value, from, length);
    int n = addNode(holder, 0, profile, first);
    byte[] chunk = arena[n >>> UNIT_BITS];
    int pos = (n & ((1 << UNIT_BITS) - 1)) << 3;
    LONG.set(chunk, pos + LAST, last);
    if (isShared) {
      chunk[pos + FLAGS] |= (byte) SHARED;
    }
  }

  /**
   * Restores one profile of a saved graph; returns the index {@link #restoreNode} needs. Profile
   * ids are {@code p_} and 20 lower-case hex digits, as this class makes them.
   */
  public int restoreProfile(String id, long created) {
    if (id.length() != 22 || !id.startsWith("p_")) {
      throw new IllegalArgumentException(
          "profile id '" + id + "' is not p_ and 20 lower-case hex digits");
    }
    for (int i = 2; i < 22; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(
            "profile id '" + id + "' is not p_ and 20 lower-case hex digits");
      }
    }
    return addProfile(
        Long.parseUnsignedLong(id, 2, 18, 16), (char) Integer.parseInt(id, 18, 22, 16), created);
  }

  /** Remembers a refused pair of a saved graph so it is not recorded twice. */
  public void restoreBlockedPair(String a, String b) {
    blockedPairs.add(pairKey(a, b));
  }

  // --- columnar access for writers (IdentityGraphFile) ---

  /**
   * Points every profile directly at its root, so that {@link #rootOfNode(int)} only reads
   * afterwards and several threads may call it at once (as long as nothing is linked meanwhile).
   */
  void flatten() {
    for (int p = 0; p < profileCount; p++) {
      find(p);
    }
  }

  /** The root profile of node {@code n}; read-only after {@link #flatten()}. */
  int rootOfNode(int n) {
    int p = profileOf(nodeAddr[n]);
    while (parent[p] != p) {
      p = parent[p];
    }
    return p;
  }

  String typeName(int type) {
    return typeNames[type];
  }

  /** The type of node {@code n}. */
  int nodeType(int n) {
    int addr = nodeAddr[n];
    return arena[addr >>> UNIT_BITS][((addr & ((1 << UNIT_BITS) - 1)) << 3) + FLAGS] & 0x7f;
  }

  /** The arena chunk holding node {@code n}'s bytes. */
  byte[] valueChunk(int n) {
    return arena[nodeAddr[n] >>> UNIT_BITS];
  }

  /**
   * Where node {@code n}'s value bytes are in {@link #valueChunk(int)}: high 32 bits the length,
   * low 32 bits the offset.
   */
  long valueSlice(int n) {
    int addr = nodeAddr[n];
    byte[] chunk = arena[addr >>> UNIT_BITS];
    int pos = ((addr & ((1 << UNIT_BITS) - 1)) << 3) + VALUE;
    int len = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = chunk[pos++];
      len |= (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
    }
    return ((long) len << 32) | pos;
  }

  long firstSeen(int n) {
    int addr = nodeAddr[n];
    return (long)
        LONG.get(arena[addr >>> UNIT_BITS], ((addr & ((1 << UNIT_BITS) - 1)) << 3) + FIRST);
  }

  long lastSeen(int n) {
    int addr = nodeAddr[n];
    return (long)
        LONG.get(arena[addr >>> UNIT_BITS], ((addr & ((1 << UNIT_BITS) - 1)) << 3) + LAST);
  }

  boolean sharedNode(int n) {
    return isSharedAt(nodeAddr[n]);
  }

  /** Writes the 22 ASCII characters of profile {@code p}'s id into {@code out[0, 22)}. */
  void profileIdBytes(int p, byte[] out) {
    out[0] = 'p';
    out[1] = '_';
    long high = idHigh[p];
    for (int i = 0; i < 16; i++) {
      out[2 + i] = (byte) Character.forDigit((int) (high >>> (60 - 4 * i)) & 0xf, 16);
    }
    int low = idLow[p];
    for (int i = 0; i < 4; i++) {
      out[18 + i] = (byte) Character.forDigit((low >>> (12 - 4 * i)) & 0xf, 16);
    }
  }

  // --- node records ---

  private int profileOf(int addr) {
    return (int) INT.get(arena[addr >>> UNIT_BITS], (addr & ((1 << UNIT_BITS) - 1)) << 3);
  }

  private boolean isSharedAt(int addr) {
    return (arena[addr >>> UNIT_BITS][((addr & ((1 << UNIT_BITS) - 1)) << 3) + FLAGS] & SHARED)
        != 0;
  }

  // --- the union-find ---

  private int find(int p) {
    int root = p;
    while (parent[root] != root) {
      root = parent[root];
    }
    while (parent[p] != root) {
      int next = parent[p];
      parent[p] = root;
      p = next;
    }
    return root;
  }

  private boolean fits(int profile, int type) {
    return counts[profile * types + type] < limits[type];
  }

  /** The first type whose limit merging {@code a} and {@code b} would exceed, or -1. */
  private int overLimit(int a, int b) {
    for (int t = 0; t < types; t++) {
      if (counts[a * types + t] + counts[b * types + t] > limits[t]) {
        return t;
      }
    }
    return -1;
  }

  /** Earlier created_at, then the smaller id (the unsigned 80 bits order as their hex text). */
  private boolean older(int a, int b) {
    if (createdAt[a] != createdAt[b]) {
      return createdAt[a] < createdAt[b];
    }
    int c = Long.compareUnsigned(idHigh[a], idHigh[b]);
    return c != 0 ? c < 0 : idLow[a] < idLow[b];
  }

  private int merge(
      int a,
      int b,
      Ids ids,
      int via,
      byte[] message,
      int from,
      int length,
      String callType,
      long at) {
    int into = older(a, b) ? a : b;
    int fromProfile = into == a ? b : a;
    parent[fromProfile] = into;
    for (int t = 0; t < types; t++) {
      counts[into * types + t] += counts[fromProfile * types + t];
      counts[fromProfile * types + t] = 0;
    }
    merges.add(
        new Merge(
            profileIdText(fromProfile),
            profileIdText(into),
            callType,
            typeNames[ids.type[via]],
            ids.value(via),
            new String(message, from, length, StandardCharsets.UTF_8),
            at));
    return into;
  }

  private void block(
      int a, int b, int type, Ids ids, int via, byte[] message, int from, int length, long at) {
    String pa = profileIdText(a);
    String pb = profileIdText(b);
    if (!blockedPairs.add(pairKey(pa, pb))) {
      return;
    }
    blocks.add(
        new Block(
            pa,
            pb,
            typeNames[type] + " limit " + limits[type],
            typeNames[ids.type[via]],
            ids.value(via),
            new String(message, from, length, StandardCharsets.UTF_8),
            at));
  }

  private static String pairKey(String a, String b) {
    return a.compareTo(b) < 0 ? a + " " + b : b + " " + a;
  }

  private String profileIdText(int p) {
    byte[] text = new byte[22];
    profileIdBytes(p, text);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  private int newProfile(byte[] message, int from, int length, Ids ids, int i, long receivedAt) {
    sha.update(tenantUtf8);
    sha.update((byte) 0);
    sha.update(message, from, length);
    sha.update((byte) 0);
    sha.update(typeUtf8[ids.type[i]]);
    sha.update((byte) 0);
    sha.update(ids.buf[i], ids.off[i], ids.len[i]);
    sha.update((byte) 0);
    try {
      sha.digest(digest, 0, digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 gives 32 bytes", e);
    }
    long high = 0;
    for (int b = 0; b < 8; b++) {
      high = (high << 8) | (digest[b] & 0xff);
    }
    char low = (char) (((digest[8] & 0xff) << 8) | (digest[9] & 0xff));
    return addProfile(high, low, receivedAt);
  }

  private int addProfile(long high, char low, long created) {
    if (profileCount == parent.length) {
      int next = parent.length * 2;
      parent = Arrays.copyOf(parent, next);
      idHigh = Arrays.copyOf(idHigh, next);
      idLow = Arrays.copyOf(idLow, next);
      createdAt = Arrays.copyOf(createdAt, next);
      counts = Arrays.copyOf(counts, next * types);
    }
    int p = profileCount++;
    parent[p] = p;
    idHigh[p] = high;
    idLow[p] = low;
    createdAt[p] = created;
    return p;
  }

  /** The id of the profile that {@code messageId} creates with its first identifier. */
  static String profileIdOf(String tenant, String messageId, String type, String value) {
    MessageDigest sha = sha256();
    for (String part : new String[] {tenant, messageId, type, value}) {
      sha.update(part.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    return "p_" + HEX.formatHex(sha.digest(), 0, 10);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  // --- nodes and their index ---

  /** Appends a node's record and indexes it; returns its address. */
  private int addNode(Ids ids, int i, int profile, long seen) {
    if (nodeCount == nodeAddr.length) {
      nodeAddr = Arrays.copyOf(nodeAddr, nodeCount * 2);
    }
    int type = ids.type[i];
    int addr = store(type, ids.buf[i], ids.off[i], ids.len[i], profile, seen);
    nodeAddr[nodeCount++] = addr;
    insert(addr, ids.hash[i]);
    counts[find(profile) * types + type]++;
    return addr;
  }

  /**
   * Appends [profile][first][last][type][varint length][bytes], padded to 8 bytes, to the arena;
   * returns its address in 8-byte units.
   */
  private int store(int type, byte[] bytes, int from, int length, int profile, long seen) {
    int need = (VALUE + 5 + length + 7) & ~7;
    if (need > CHUNK) {
      throw new IllegalArgumentException(
          "identifier of " + length + " bytes is longer than the graph can hold");
    }
    byte[] chunk = arena[arenaChunk];
    if (arenaPos + need > chunk.length) {
      if (chunk.length < CHUNK) {
        int size = chunk.length;
        while (size < arenaPos + need) {
          size *= 2;
        }
        chunk = Arrays.copyOf(chunk, Math.min(size, CHUNK));
        arena[arenaChunk] = chunk;
      }
      if (arenaPos + need > chunk.length) {
        if (arenaChunk + 1 == MAX_CHUNKS) {
          throw new IllegalStateException(
              "identity graph holds more than " + (MAX_CHUNKS >> 6) + " GiB of identifiers");
        }
        arena = Arrays.copyOf(arena, arena.length + 1);
        chunk = new byte[CHUNK];
        arena[++arenaChunk] = chunk;
        arenaPos = 0;
      }
    }
    int pos = arenaPos;
    int addr = (arenaChunk << UNIT_BITS) | (pos >>> 3);
    INT.set(chunk, pos + PROFILE, profile);
    LONG.set(chunk, pos + FIRST, seen);
    LONG.set(chunk, pos + LAST, seen);
    chunk[pos + FLAGS] = (byte) type;
    int p = pos + VALUE;
    int v = length;
    while ((v & ~0x7f) != 0) {
      chunk[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    chunk[p++] = (byte) v;
    System.arraycopy(bytes, from, chunk, p, length);
    arenaPos = (p + length + 7) & ~7;
    return addr;
  }

  /** A 32-bit hash of the type and the bytes, eight bytes at a time, then murmur3's finalizer. */
  static int hash(int type, byte[] bytes, int from, int length) {
    long h = 0x9E3779B97F4A7C15L * (type + 1) ^ length;
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONG.get(bytes, i)) * 0xff51afd7ed558ccdL;
      h ^= h >>> 29;
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (bytes[i] & 0xffL) << shift;
    }
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) h;
  }

  /** The address of the node holding (type, value), or 0. */
  private int lookup(int type, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return lookup(type, utf8, 0, utf8.length, hash(type, utf8, 0, utf8.length));
  }

  private int lookup(int type, byte[] bytes, int from, int length, int hash) {
    long[] index = this.index;
    int mask = index.length - 1;
    for (int s = hash & mask; ; s = (s + 1) & mask) {
      long slot = index[s];
      if (slot == 0) {
        return 0;
      }
      if ((int) (slot >>> 32) == hash && sameValue((int) slot, type, bytes, from, length)) {
        return (int) slot;
      }
    }
  }

  private boolean sameValue(int addr, int type, byte[] bytes, int from, int length) {
    byte[] chunk = arena[addr >>> UNIT_BITS];
    int pos = (addr & ((1 << UNIT_BITS) - 1)) << 3;
    if ((chunk[pos + FLAGS] & 0x7f) != type) {
      return false;
    }
    pos += VALUE;
    int len = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = chunk[pos++];
      len |= (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
    }
    return len == length && Arrays.equals(chunk, pos, pos + len, bytes, from, from + length);
  }

  /** Indexes the node at {@code addr}; keeps the load at most 1/2. */
  private void insert(int addr, int hash) {
    if (2 * nodeCount > index.length) {
      long[] old = index;
      index = new long[old.length * 2];
      for (long slot : old) {
        if (slot != 0) {
          place(slot);
        }
      }
    }
    place(((long) hash << 32) | (addr & 0xffffffffL));
  }

  private void place(long slot) {
    long[] index = this.index;
    int mask = index.length - 1;
    int s = (int) (slot >>> 32) & mask;
    while (index[s] != 0) {
      s = (s + 1) & mask;
    }
    index[s] = slot;
  }
}
