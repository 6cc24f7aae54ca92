package io.meridian.cdp.privacy;

/**
 * Where in a text the detector found personal data: {@code [start, end)} of the text it was given.
 * It holds no copy of the value.
 */
public record PiiMatch(PiiKind kind, int start, int end) {
  public PiiMatch {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("invalid match range [" + start + ", " + end + ")");
    }
  }

  boolean overlaps(PiiMatch other) {
    return start < other.end && other.start < end;
  }
}
