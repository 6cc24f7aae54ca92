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

/**
 * One tenant's identity graph in memory: every identifier and the profile it belongs to.
 *
 * <p>Events are linked one at a time, in the canonical order (received_at, message_id). For each
 * event, its identifiers are taken highest priority first: the profile of the first known one is
 * the event's home; every other known profile is merged into it unless the merged profile would
 * hold more values of a type than the type's limit (then the link is refused and recorded); new
 * identifiers join the home profile within the limits, or else start a new profile. A merge keeps
 * the id of the older profile (earliest created_at, then smaller id), so a profile's id never
 * changes when identifiers are added. Because the result depends only on the events and their
 * order, resolving day 1 then day 2 gives the same graph as resolving both days at once.
 *
 * <p>Profile ids are {@code p_} and 20 hex digits of SHA-256 over the tenant, the creating event's
 * message id and its first identifier: reproducible, and revealing nothing of the identifier.
 */
public final class IdentityGraph {
  private final String tenant;
  private final IdentityRules rules;
  private final String[] typeNames;
  private final int[] limits;
  private final int types;

  private final Map<String, Integer> nodes = new HashMap<>();
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
      long lastSeenMicros) {}

  public IdentityGraph(String tenant, IdentityRules rules) {
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
      Identifier id = ids.get(i);
      Integer n = nodes.get(key(id.type(), id.value()));
      known[i] = n == null ? -1 : n;
      if (n == null) {
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
      for (int candidate : new int[] {anchor, home, fresh}) {
        if (candidate >= 0 && fits(candidate, id.type())) {
          target = candidate;
          break;
        }
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
    for (int n : known) {
      if (timestamp < firstSeen[n]) {
        firstSeen[n] = timestamp;
      }
      if (timestamp > lastSeen[n]) {
        lastSeen[n] = timestamp;
      }
    }
    return profileId[find(nodeProfile[known[0]])];
  }

  /** The current profile id of an identifier, or null when the graph does not hold it. */
  public String profileOf(int type, String value) {
    Integer n = nodes.get(key(type, value));
    return n == null ? null : profileId[find(nodeProfile[n])];
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
    for (int n = 0; n < nodeCount; n++) {
      out.add(
          new Node(
              typeNames[nodeType[n]],
              nodeValue[n],
              profileId[find(nodeProfile[n])],
              firstSeen[n],
              lastSeen[n]));
    }
    return out;
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
      String type, String value, String profile, long first, long last, Map<String, Integer> ids) {
    int t = rules.indexOf(type);
    Integer p = ids.get(profile);
    if (t < 0 || p == null) {
      return;
    }
    int n = addNode(new Identifier(t, value), p, first);
    firstSeen[n] = first;
    lastSeen[n] = last;
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
        profileIdOf(tenant, messageId, typeNames[first.type()], first.value()), receivedAt);
  }

  /** The id of the profile that {@code messageId} creates with its first identifier. */
  static String profileIdOf(String tenant, String messageId, String type, String value) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {tenant, messageId, type, value}) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return "p_" + HexFormat.of().formatHex(sha.digest(), 0, 10);
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
    nodes.put(key(id.type(), id.value()), n);
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

  private static String key(int type, String value) {
    return (char) ('0' + type) + value;
  }
}
