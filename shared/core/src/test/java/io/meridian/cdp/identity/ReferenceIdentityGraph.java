package io.meridian.cdp.identity;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import java.nio.charset.StandardCharsets;
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
 */
final class ReferenceIdentityGraph {
  private final String tenant;
  private final IdentityRules rules;
  private final String[] typeNames;
  private final int[] limits;
  private final int types;

  /**
   * Open-addressing index of the identifiers: slot → node + 1 (0 is empty), probed linearly from
   * the hash of (type, value). Far smaller and faster than a map of boxed keys at 10^7 identifiers.
   */
  private int[] index = new int[2048];

  private int nodeCount;
  private byte[] nodeType = new byte[1024];
  private String[] nodeValue = new String[1024];
  private int[] nodeProfile = new int[1024];
  private long[] firstSeen = new long[1024];
  private long[] lastSeen = new long[1024];

  private int profileCount;
  private int[] parent = new int[1024];
  private String[] profileId = new String[1024];
  private long[] createdAt = new long[1024];
  private int[] counts;

  private final List<Merge> merges = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();
  private final Set<String> blockedPairs = new HashSet<>();
  private final java.util.BitSet shared = new java.util.BitSet();
  private final MessageDigest sha = sha256();

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

  ReferenceIdentityGraph(String tenant, IdentityRules rules) {
    this.tenant = tenant;
    this.rules = rules;
    this.typeNames = rules.typeNames().toArray(String[]::new);
    this.types = typeNames.length;
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
    int home = -1;
    int[] known = new int[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      known[i] = lookup(ids.get(i).type(), ids.get(i).value());
    }
    // The highest-priority identifier decides, so when it is new it is placed first: in the
    // profile of the first known identifier that can take it, else in a profile of its own. The
    // event's other known profiles then merge into that one only if the result stays within the
    // limits *with* it: a new user on a device shared with another user (already in that user's
    // profile) never pulls their email or other devices into the other user's profile.
    if (known[0] < 0) {
      Identifier first = ids.get(0);
      int target = -1;
      boolean anyKnown = false;
      for (int n : known) {
        if (n >= 0) {
          anyKnown = true;
          int r = find(nodeProfile[n]);
          if (fits(r, first.type())) {
            target = r;
            break;
          }
        }
      }
      if (anyKnown) {
        if (target < 0) {
          target = newProfile(messageId, first, receivedAt);
        }
        known[0] = addNode(first, target, timestamp);
      }
    }
    for (int i = 0; i < ids.size(); i++) {
      Identifier id = ids.get(i);
      int n = known[i];
      if (n < 0) {
        continue;
      }
      int r = find(nodeProfile[n]);
      if (home < 0) {
        home = r;
      } else if (r != home) {
        int over = overLimit(home, r);
        if (over < 0) {
          home = merge(home, r, id, messageId, callType, timestamp);
        } else {
          block(home, r, over, id, messageId, timestamp);
        }
      }
    }
    // New identifiers go where the event's first identifier went, else to the home profile,
    // else to a profile this event created; one that fits none starts a new profile.
    int anchor = known[0] >= 0 ? home : -1;
    int fresh = -1;
    for (int i = 0; i < ids.size(); i++) {
      if (known[i] >= 0) {
        continue;
      }
      Identifier id = ids.get(i);
      int target = -1;
      if (anchor >= 0 && fits(anchor, id.type())) {
        target = anchor;
      } else if (home >= 0 && fits(home, id.type())) {
        target = home;
      } else if (fresh >= 0 && fits(fresh, id.type())) {
        target = fresh;
      }
      if (target < 0) {
        target = newProfile(messageId, id, receivedAt);
        if (home >= 0) {
          block(home, target, id.type(), id, messageId, timestamp);
        } else {
          home = target;
        }
        fresh = target;
      }
      if (anchor < 0) {
        anchor = target;
      }
      known[i] = addNode(id, target, timestamp);
    }
    int eventProfile = find(nodeProfile[known[0]]);
    for (int n : known) {
      if (timestamp < firstSeen[n]) {
        firstSeen[n] = timestamp;
      }
      if (timestamp > lastSeen[n]) {
        lastSeen[n] = timestamp;
      }
      if (find(nodeProfile[n]) != eventProfile) {
        // Seen with someone whose profile it could not join: a kiosk, a family tablet, an email
        // typed by two people. From now on it decides no event.
        shared.set(n);
      }
    }
    return profileId[eventProfile];
  }

  /**
   * Whether an identifier is shared: an event once carried it together with a deciding identifier
   * of another profile that a limit kept apart from its own. An event whose deciding identifier is
   * shared belongs to no profile, because nothing in it tells whose it is.
   */
  public boolean isShared(int type, String value) {
    int n = lookup(type, value);
    return n >= 0 && shared.get(n);
  }

  /** The current profile id of an identifier, or null when the graph does not hold it. */
  public String profileOf(int type, String value) {
    int n = lookup(type, value);
    return n < 0 ? null : profileId[find(nodeProfile[n])];
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
    return new Node(
        typeNames[nodeType[n]],
        nodeValue[n],
        profileId[find(nodeProfile[n])],
        firstSeen[n],
        lastSeen[n],
        shared.get(n));
  }

  /** Profile ids and their creation times (received_at of the creating event, micros). */
  public Map<String, Long> profiles() {
    Map<String, Long> out = new HashMap<>();
    for (int p = 0; p < profileCount; p++) {
      if (parent[p] == p) {
        out.put(profileId[p], createdAt[p]);
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
    int n = addNode(new Identifier(t, value), p, first);
    firstSeen[n] = first;
    lastSeen[n] = last;
    shared.set(n, isShared);
  }

  /** Restores one profile of a saved graph; returns the index {@link #restoreNode} needs. */
  public int restoreProfile(String id, long created) {
    ensureProfiles(profileCount + 1);
    int p = profileCount++;
    parent[p] = p;
    profileId[p] = id;
    createdAt[p] = created;
    return p;
  }

  /** Remembers a refused pair of a saved graph so it is not recorded twice. */
  public void restoreBlockedPair(String a, String b) {
    blockedPairs.add(pairKey(a, b));
  }

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

  private boolean older(int a, int b) {
    if (createdAt[a] != createdAt[b]) {
      return createdAt[a] < createdAt[b];
    }
    return profileId[a].compareTo(profileId[b]) < 0;
  }

  private int merge(int a, int b, Identifier via, String messageId, String callType, long at) {
    int into = older(a, b) ? a : b;
    int from = into == a ? b : a;
    parent[from] = into;
    for (int t = 0; t < types; t++) {
      counts[into * types + t] += counts[from * types + t];
      counts[from * types + t] = 0;
    }
    merges.add(
        new Merge(
            profileId[from],
            profileId[into],
            callType,
            typeNames[via.type()],
            via.value(),
            messageId,
            at));
    return into;
  }

  private void block(int a, int b, int type, Identifier via, String messageId, long at) {
    if (!blockedPairs.add(pairKey(profileId[a], profileId[b]))) {
      return;
    }
    blocks.add(
        new Block(
            profileId[a],
            profileId[b],
            typeNames[type] + " limit " + limits[type],
            typeNames[via.type()],
            via.value(),
            messageId,
            at));
  }

  private static String pairKey(String a, String b) {
    return a.compareTo(b) < 0 ? a + " " + b : b + " " + a;
  }

  private int newProfile(String messageId, Identifier first, long receivedAt) {
    return restoreProfile(
        profileIdOf(sha, tenant, messageId, typeNames[first.type()], first.value()), receivedAt);
  }

  /** The id of the profile that {@code messageId} creates with its first identifier. */
  static String profileIdOf(String tenant, String messageId, String type, String value) {
    return profileIdOf(sha256(), tenant, messageId, type, value);
  }

  private static String profileIdOf(
      MessageDigest sha, String tenant, String messageId, String type, String value) {
    for (String part : new String[] {tenant, messageId, type, value}) {
      sha.update(part.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    return "p_" + HexFormat.of().formatHex(sha.digest(), 0, 10);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private int addNode(Identifier id, int profile, long seen) {
    if (nodeCount == nodeType.length) {
      int size = nodeCount * 2;
      nodeType = Arrays.copyOf(nodeType, size);
      nodeValue = Arrays.copyOf(nodeValue, size);
      nodeProfile = Arrays.copyOf(nodeProfile, size);
      firstSeen = Arrays.copyOf(firstSeen, size);
      lastSeen = Arrays.copyOf(lastSeen, size);
    }
    int n = nodeCount++;
    nodeType[n] = (byte) id.type();
    nodeValue[n] = id.value();
    nodeProfile[n] = profile;
    firstSeen[n] = seen;
    lastSeen[n] = seen;
    insert(n);
    counts[find(profile) * types + id.type()]++;
    return n;
  }

  private void ensureProfiles(int size) {
    if (size <= parent.length) {
      return;
    }
    int next = Math.max(size, parent.length * 2);
    parent = Arrays.copyOf(parent, next);
    profileId = Arrays.copyOf(profileId, next);
    createdAt = Arrays.copyOf(createdAt, next);
    counts = Arrays.copyOf(counts, next * types);
  }

  private static int hash(int type, String value) {
    int h = value.hashCode() * 31 + type;
    return h ^ (h >>> 16) ^ (h >>> 7);
  }

  /** The node holding (type, value), or -1. */
  private int lookup(int type, String value) {
    int mask = index.length - 1;
    for (int s = hash(type, value) & mask; ; s = (s + 1) & mask) {
      int n = index[s] - 1;
      if (n < 0) {
        return -1;
      }
      if (nodeType[n] == type && nodeValue[n].equals(value)) {
        return n;
      }
    }
  }

  /** Indexes node {@code n}, which must not be indexed yet; keeps the load at most 1/2. */
  private void insert(int n) {
    if (2 * (n + 1) > index.length) {
      int[] old = index;
      index = new int[old.length * 2];
      for (int slot : old) {
        if (slot != 0) {
          place(slot - 1);
        }
      }
    }
    place(n);
  }

  private void place(int n) {
    int mask = index.length - 1;
    int s = hash(nodeType[n], nodeValue[n]) & mask;
    while (index[s] != 0) {
      s = (s + 1) & mask;
    }
    index[s] = n + 1;
  }
}
