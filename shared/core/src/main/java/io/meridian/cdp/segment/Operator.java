package io.meridian.cdp.segment;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a field is compared; the key in a definition is {@link #key()}. */
public enum Operator {
  EQ("eq", "is"),
  NE("ne", "is not"),
  GT("gt", ">"),
  GTE("gte", ">="),
  LT("lt", "<"),
  LTE("lte", "<="),
  IN("in", "is one of"),
  NOT_IN("not_in", "is none of"),
  EXISTS("exists", "exists"),
  CONTAINS("contains", "contains"),
  STARTS_WITH("starts_with", "starts with"),
  ENDS_WITH("ends_with", "ends with"),
  WITHIN_LAST("within_last", "is within the last"),
  BEFORE("before", "is before"),
  AFTER("after", "is after");

  private final String key;
  private final String words;

  Operator(String key, String words) {
    this.key = key;
    this.words = words;
  }

  /** The key used in definitions, e.g. {@code gte}. */
  public String key() {
    return key;
  }

  /** The operator in words, e.g. "is one of". */
  public String words() {
    return words;
  }

  public static Optional<Operator> of(String key) {
    return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
  }

  static String keys() {
    return Arrays.stream(values()).map(Operator::key).collect(Collectors.joining(", "));
  }

  boolean isStringMatch() {
    return this == CONTAINS || this == STARTS_WITH || this == ENDS_WITH;
  }

  boolean isDate() {
    return this == WITHIN_LAST || this == BEFORE || this == AFTER;
  }

  boolean isOrdering() {
    return this == GT || this == GTE || this == LT || this == LTE;
  }
}
