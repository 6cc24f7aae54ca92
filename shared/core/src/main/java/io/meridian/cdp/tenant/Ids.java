package io.meridian.cdp.tenant;

import java.util.regex.Pattern;

/** Validation of tenant and source ids, which end up in object keys and SQL. */
public final class Ids {
  /** Longest id accepted. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  private Ids() {}

  /**
   * Returns {@code value} if it is a valid id: 1–64 characters of lower-case letters, digits, '_'
   * and '-', starting with a letter or digit. No path characters, no dots, no spaces.
   *
   * @throws IllegalArgumentException naming {@code kind} and the rule broken
   */
  public static String require(String kind, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(kind + " id must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          kind + " id is " + value.length() + " characters long; the limit is " + MAX_LENGTH);
    }
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          kind
              + " id '"
              + printable(value)
              + "' is invalid: use lower-case letters, digits, '_' and '-', starting with a letter"
              + " or digit");
    }
    return value;
  }

  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(MAX_LENGTH)
        .forEach(cp -> out.append(cp < 0x20 || cp == 0x7f ? "?" : Character.toString(cp)));
    return out.toString();
  }
}
