package io.meridian.cdp.event;

import java.util.Locale;
import java.util.Optional;

/** The six Segment call types. */
public enum CallType {
  IDENTIFY,
  TRACK,
  PAGE,
  SCREEN,
  GROUP,
  ALIAS;

  /** The name on the wire and in the {@code type} column. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CallType> fromWire(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (CallType t : values()) {
      if (t.wireName().equals(value)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
