package io.meridian.cdp.segment;

import java.util.ArrayList;
import java.util.List;

/** A statement under construction: text with {@code ?} marks and their values, in order. */
final class Sql {
  private final StringBuilder text = new StringBuilder();
  private final List<Object> parameters = new ArrayList<>();

  /** Appends SQL text written by this package (never text from a definition). */
  Sql sql(String fragment) {
    text.append(fragment);
    return this;
  }

  /** Appends a {@code ?} bound to {@code value}. */
  Sql param(Object value) {
    text.append('?');
    parameters.add(value);
    return this;
  }

  /** Appends another statement part with its parameters. */
  Sql append(Sql other) {
    text.append(other.text);
    parameters.addAll(other.parameters);
    return this;
  }

  /** Appends a compiled statement with its parameters. */
  Sql append(SegmentQuery other) {
    text.append(other.sql());
    parameters.addAll(other.parameters());
    return this;
  }

  SegmentQuery build() {
    return new SegmentQuery(text.toString(), parameters);
  }
}
