package io.meridian.cdp.privacy;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a tenant's {@link PiiPolicy} does with personal data of one kind. */
public enum PiiAction {
  /** Stored as it is (after normalization). */
  KEEP,
  /** Replaced by an HMAC-SHA256 with the tenant's secret: equal values stay equal, joins work. */
  HASH,
  /** Replaced by a deterministic, authenticated encryption with the tenant's data key. */
  TOKENIZE,
  /** Replaced by a form that shows the shape only ({@code a***@e***.com}, {@code 4***1}). */
  MASK,
  /** Removed. */
  DROP;

  /** The name in cdp.yaml. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action named {@code name} in cdp.yaml (as Jackson reads it, at its line). */
  @JsonCreator
  static PiiAction fromYaml(String name) {
    return parse(name, null);
  }

  /**
   * The action named {@code name} in cdp.yaml.
   *
   * @throws IllegalArgumentException naming the known actions
   */
  public static PiiAction parse(String name, String what) {
    for (PiiAction a : values()) {
      if (a.yamlName().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown action '"
            + name
            + "'"
            + (what == null ? "" : " for " + what)
            + "; known actions: "
            + Arrays.stream(values()).map(PiiAction::yamlName).collect(Collectors.joining(", ")));
  }
}
