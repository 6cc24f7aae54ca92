package io.meridian.cdp.segment;

/**
 * A segment definition is invalid. The message names the segment and the path inside it, e.g.
 * {@code segment 'vip' at where.all[1].gte: lifetime_revenue is a number; got the string 'a lot'}.
 */
public final class InvalidSegmentException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String segment;
  private final String path;
  private final String problem;

  InvalidSegmentException(String segment, String path, String problem) {
    super(
        "segment '"
            + (segment == null ? "?" : segment)
            + "'"
            + (path == null || path.isEmpty() ? "" : " at " + path)
            + ": "
            + problem);
    this.segment = segment;
    this.path = path;
    this.problem = problem;
  }

  /** What is wrong, without the segment and path. */
  public String problem() {
    return problem;
  }

  /** The segment's id, as written (may be invalid itself). */
  public String segment() {
    return segment;
  }

  /** The path inside the definition, e.g. {@code where.all[1].gte}; empty for the whole. */
  public String path() {
    return path;
  }
}
