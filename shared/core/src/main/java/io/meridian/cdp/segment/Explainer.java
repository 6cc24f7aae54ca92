package io.meridian.cdp.segment;

import io.meridian.cdp.sql.QueryResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Why one profile is or is not a member of a segment: run {@link #query()} with the engine, then
 * {@link #read} its result into an {@link Explanation}.
 */
public final class Explainer {
  private final String tenant;
  private final String profileId;
  private final Segment segment;
  private final Node root;
  private final List<Node> leaves;
  private final SegmentQuery query;

  Explainer(
      String tenant,
      String profileId,
      Segment segment,
      Node root,
      List<Node> leaves,
      SegmentQuery query) {
    this.tenant = tenant;
    this.profileId = profileId;
    this.segment = segment;
    this.root = root;
    this.leaves = List.copyOf(leaves);
    this.query = query;
  }

  /** The statement to run: one row with a met flag and the actual value per leaf condition. */
  public SegmentQuery query() {
    return query;
  }

  /**
   * Reads the result of {@link #query()}.
   *
   * @throws IllegalArgumentException when the profile does not exist in the tenant
   */
  public Explanation read(QueryResult result) {
    if (result.rows().isEmpty()) {
      throw new IllegalArgumentException("tenant '" + tenant + "' has no profile " + profileId);
    }
    List<Object> row = result.rows().get(0);
    List<Explanation.Step> steps = new ArrayList<>();
    boolean member = walk(root, row, 0, steps);
    return new Explanation(tenant, profileId, segment.id(), member, steps);
  }

  private boolean walk(Node node, List<Object> row, int depth, List<Explanation.Step> steps) {
    int at = steps.size();
    steps.add(null); // placeholder, filled once the children are known
    boolean met;
    String actual = null;
    Condition c = node.condition();
    if (node.children().isEmpty() && node.leafIndex() >= 0) {
      Object flag = row.get(1 + 2 * node.leafIndex());
      Object value = row.get(2 + 2 * node.leafIndex());
      met = Boolean.TRUE.equals(flag);
      actual = value == null ? "(none)" : value.toString();
      if (c instanceof Condition.Performed) {
        actual = actual + ("1".equals(actual) ? " matching event" : " matching events");
      }
    } else {
      List<Boolean> kids = new ArrayList<>();
      for (Node child : node.children()) {
        kids.add(walk(child, row, depth + 1, steps));
      }
      if (c instanceof Condition.All) {
        met = kids.stream().allMatch(b -> b);
      } else if (c instanceof Condition.Any) {
        met = kids.stream().anyMatch(b -> b);
      } else if (c instanceof Condition.Not) {
        met = !kids.get(0);
      } else {
        met = kids.get(0); // in_segment: its segment's condition
      }
    }
    steps.set(at, new Explanation.Step(depth, node.text(), met, actual));
    return met;
  }

  /** A condition with its children; leaves carry their column index in the query. */
  record Node(Condition condition, String text, List<Node> children, int leafIndex) {}

  static Node tree(Condition c, Segments all, List<Node> leaves) {
    if (c instanceof Condition.All a) {
      return new Node(c, "all of:", kids(a.conditions(), all, leaves), -1);
    }
    if (c instanceof Condition.Any a) {
      return new Node(c, "any of:", kids(a.conditions(), all, leaves), -1);
    }
    if (c instanceof Condition.Not n) {
      return new Node(c, "not:", List.of(tree(n.condition(), all, leaves)), -1);
    }
    if (c instanceof Condition.InSegment in) {
      Segment target = all.require(in.segmentId());
      return new Node(
          c,
          "member of segment " + in.segmentId() + ":",
          List.of(tree(target.condition(), all, leaves)),
          -1);
    }
    Node leaf = new Node(c, c.describe(), List.of(), leaves.size());
    leaves.add(leaf);
    return leaf;
  }

  private static List<Node> kids(List<Condition> conditions, Segments all, List<Node> leaves) {
    List<Node> out = new ArrayList<>();
    for (Condition x : conditions) {
      out.add(tree(x, all, leaves));
    }
    return out;
  }
}
