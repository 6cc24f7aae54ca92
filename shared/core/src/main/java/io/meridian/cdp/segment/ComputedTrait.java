package io.meridian.cdp.segment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The typed columns of {@code curated.profiles} a condition may use (docs/TABLES.md). */
public enum ComputedTrait {
  CREATED_AT(ValueType.TIMESTAMP),
  UPDATED_AT(ValueType.TIMESTAMP),
  FIRST_SEEN(ValueType.TIMESTAMP),
  LAST_SEEN(ValueType.TIMESTAMP),
  EVENT_COUNT(ValueType.NUMBER),
  ACTIVE_DAYS(ValueType.NUMBER),
  LIFETIME_REVENUE(ValueType.NUMBER),
  ORDER_COUNT(ValueType.NUMBER),
  LAST_ORDER_AT(ValueType.TIMESTAMP);

  private final ValueType type;

  ComputedTrait(ValueType type) {
    this.type = type;
  }

  public ValueType type() {
    return type;
  }

  /** The column name, e.g. {@code lifetime_revenue}. */
  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The computed trait named {@code column}, if there is one. */
  public static Optional<ComputedTrait> named(String column) {
    return Arrays.stream(values()).filter(c -> c.column().equals(column)).findFirst();
  }

  /** All column names, comma separated, for error messages. */
  static String names() {
    return Arrays.stream(values()).map(ComputedTrait::column).collect(Collectors.joining(", "));
  }
}
