package io.meridian.cdp.segment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tenant's validated segment definitions: ids are unique, every {@code in_segment} names a
 * segment of the set, and no segment depends on itself through others.
 */
public final class Segments {
  private final Map<String, Segment> byId;

  private Segments(Map<String, Segment> byId) {
    this.byId = byId;
  }

  /** No segments. */
  public static Segments empty() {
    return new Segments(Map.of());
  }

  /**
   * Validates the references between {@code segments}.
   *
   * @throws InvalidSegmentException naming the segment and the path of the bad reference, or
   *     listing a cycle
   */
  public static Segments of(List<Segment> segments) {
    Map<String, Segment> byId = new LinkedHashMap<>();
    for (Segment s : segments) {
      if (byId.putIfAbsent(s.id(), s) != null) {
        throw new InvalidSegmentException(s.id(), "", "segment '" + s.id() + "' is defined twice");
      }
    }
    for (Segment s : segments) {
      checkReferences(s.id(), "where", s.condition(), byId);
    }
    Map<String, Integer> state = new HashMap<>();
    for (Segment s : segments) {
      findCycle(s.id(), byId, state, new ArrayList<>());
    }
    Map<String, Long> sizes = new HashMap<>();
    for (Segment s : segments) {
      long size = expandedSize(s.condition(), byId, sizes);
      if (size > MAX_EXPANDED_CONDITIONS) {
        throw new InvalidSegmentException(
            s.id(),
            "where",
            "has "
                + (size == Long.MAX_VALUE
                    ? "too many"
                    : String.format(java.util.Locale.ROOT, "%,d", size))
                + " conditions once the segments it refers to are inlined; the limit is "
                + String.format(java.util.Locale.ROOT, "%,d", MAX_EXPANDED_CONDITIONS));
      }
      sizes.put(s.id(), size);
    }
    return new Segments(java.util.Collections.unmodifiableMap(byId));
  }

  /**
   * Most leaf conditions a segment may have once its {@code in_segment} references are inlined (a
   * chain of segments each referring to the previous one twice would otherwise grow the SQL
   * exponentially).
   */
  public static final long MAX_EXPANDED_CONDITIONS = 5_000;

  private static long expandedSize(
      Condition c, Map<String, Segment> byId, Map<String, Long> sizes) {
    if (c instanceof Condition.All all) {
      return sum(all.conditions(), byId, sizes);
    } else if (c instanceof Condition.Any any) {
      return sum(any.conditions(), byId, sizes);
    } else if (c instanceof Condition.Not not) {
      return expandedSize(not.condition(), byId, sizes);
    } else if (c instanceof Condition.InSegment in) {
      Long known = sizes.get(in.segmentId());
      if (known == null) {
        known = expandedSize(byId.get(in.segmentId()).condition(), byId, sizes);
        sizes.put(in.segmentId(), known);
      }
      return known;
    }
    return 1;
  }

  private static long sum(
      List<Condition> items, Map<String, Segment> byId, Map<String, Long> sizes) {
    long total = 0;
    for (Condition x : items) {
      long n = expandedSize(x, byId, sizes);
      total = total > Long.MAX_VALUE - n ? Long.MAX_VALUE : total + n;
    }
    return total;
  }

  private static void checkReferences(
      String segment, String path, Condition c, Map<String, Segment> byId) {
    if (c instanceof Condition.All all) {
      for (int i = 0; i < all.conditions().size(); i++) {
        checkReferences(segment, path + ".all[" + i + "]", all.conditions().get(i), byId);
      }
    } else if (c instanceof Condition.Any any) {
      for (int i = 0; i < any.conditions().size(); i++) {
        checkReferences(segment, path + ".any[" + i + "]", any.conditions().get(i), byId);
      }
    } else if (c instanceof Condition.Not not) {
      checkReferences(segment, path + ".not", not.condition(), byId);
    } else if (c instanceof Condition.InSegment in && !byId.containsKey(in.segmentId())) {
      throw new InvalidSegmentException(
          segment,
          path + ".in_segment",
          "refers to unknown segment '"
              + in.segmentId()
              + "'; known: "
              + String.join(", ", byId.keySet()));
    }
  }

  private static final int VISITING = 1;
  private static final int DONE = 2;

  private static void findCycle(
      String id, Map<String, Segment> byId, Map<String, Integer> state, List<String> stack) {
    Integer s = state.get(id);
    if (s != null && s == DONE) {
      return;
    }
    if (s != null && s == VISITING) {
      List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(id), stack.size()));
      cycle.add(id);
      throw new InvalidSegmentException(
          id,
          "",
          "segments refer to each other in a cycle: "
              + String.join(" -> ", cycle)
              + "; a segment cannot depend on itself");
    }
    state.put(id, VISITING);
    stack.add(id);
    for (String ref : references(byId.get(id).condition())) {
      findCycle(ref, byId, state, stack);
    }
    stack.remove(stack.size() - 1);
    state.put(id, DONE);
  }

  /** The segment ids {@code c} refers to, in order. */
  static List<String> references(Condition c) {
    List<String> out = new ArrayList<>();
    collect(c, out);
    return out;
  }

  private static void collect(Condition c, List<String> out) {
    if (c instanceof Condition.All all) {
      all.conditions().forEach(x -> collect(x, out));
    } else if (c instanceof Condition.Any any) {
      any.conditions().forEach(x -> collect(x, out));
    } else if (c instanceof Condition.Not not) {
      collect(not.condition(), out);
    } else if (c instanceof Condition.InSegment in) {
      out.add(in.segmentId());
    }
  }

  /** All segments in definition order. */
  public List<Segment> all() {
    return List.copyOf(byId.values());
  }

  public Optional<Segment> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The segment {@code id}; throws when there is none. */
  Segment require(String id) {
    Segment s = byId.get(id);
    if (s == null) {
      throw new IllegalArgumentException("no segment '" + id + "'");
    }
    return s;
  }

  @Override
  public String toString() {
    return "Segments" + byId.keySet();
  }
}
