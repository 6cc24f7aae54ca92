package io.meridian.cdp.privacy;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kind of personal data a <em>declared</em> field holds: the {@code x-pii} annotation of the
 * event schemas (events/) and the PII classification of the table contract (docs/TABLES.md), see
 * {@link PiiFields}. Undeclared fields are free text: the {@link PiiDetector} finds {@link
 * PiiKind}s in them.
 */
public enum PiiType {
  EMAIL,
  PHONE,
  NAME,
  ADDRESS,
  IP,
  DEVICE_ID,
  USER_ID;

  /** The name in schemas, the table contract and cdp.yaml, e.g. {@code device_id}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code name} in cdp.yaml (as Jackson reads it, at its line). */
  @JsonCreator
  static PiiType fromYaml(String name) {
    return parse(name);
  }

  /**
   * The type named {@code name}.
   *
   * @throws IllegalArgumentException naming the known kinds
   */
  public static PiiType parse(String name) {
    for (PiiType t : values()) {
      if (t.yamlName().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown kind '"
            + name
            + "' of declared personal data; known kinds: "
            + Arrays.stream(values()).map(PiiType::yamlName).collect(Collectors.joining(", ")));
  }
}
