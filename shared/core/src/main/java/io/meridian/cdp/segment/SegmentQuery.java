package io.meridian.cdp.segment;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A compiled statement and its positional parameters, one per {@code ?} in order of appearance.
 * Parameters are {@link String}, {@link Long}, {@link Double}, {@link Boolean} or {@link
 * java.time.Instant} (a timestamp with time zone, UTC).
 */
public record SegmentQuery(String sql, List<Object> parameters) {
  public SegmentQuery {
    Objects.requireNonNull(sql, "sql");
    parameters = Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
    long marks = sql.chars().filter(c -> c == '?').count();
    if (marks != parameters.size()) {
      throw new IllegalStateException(
          "statement has " + marks + " parameter marks but " + parameters.size() + " values");
    }
  }
}
