package io.meridian.cdp.segment;

/** The type a field is compared as. */
public enum ValueType {
  STRING("a string"),
  NUMBER("a number"),
  BOOLEAN("a boolean"),
  TIMESTAMP("a timestamp");

  private final String words;

  ValueType(String words) {
    this.words = words;
  }

  /** "a string", "a number", ... */
  public String words() {
    return words;
  }
}
