package io.meridian.cdp.segment;

import java.util.ArrayList;
import java.util.List;

/**
 * Which conditions of a segment one profile meets.
 *
 * @param steps the condition tree, depth first; combinators ("all of:") before their children
 */
public record Explanation(
    String tenant, String profileId, String segmentId, boolean member, List<Step> steps) {
  public Explanation {
    steps = List.copyOf(steps);
  }

  /**
   * One condition.
   *
   * @param depth nesting level, 0 for the segment's condition itself
   * @param text the condition in words
   * @param met whether the profile meets it
   * @param actual the profile's value for a leaf ("(none)" when it has none); null for combinators
   */
  public record Step(int depth, String text, boolean met, String actual) {}

  /** The explanation in words, one line per condition. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(
        "Profile "
            + profileId
            + (member ? " IS" : " is NOT")
            + " a member of segment "
            + segmentId
            + " (tenant "
            + tenant
            + ")");
    for (Step s : steps) {
      out.add(
          "  ".repeat(s.depth() + 1)
              + (s.met() ? "[met]     " : "[not met] ")
              + s.text()
              + (s.actual() == null ? "" : " — actual: " + s.actual()));
    }
    return out;
  }
}
