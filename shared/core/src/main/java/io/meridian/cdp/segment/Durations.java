package io.meridian.cdp.segment;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as definitions write them: a whole number and a unit, {@code 30d}, {@code 12h}. */
final class Durations {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,6})([mhdw])");

  private Durations() {}

  static Optional<Duration> parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    if (n == 0) {
      return Optional.empty();
    }
    return Optional.of(
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofDays(7 * n);
        });
  }

  static String format(Duration d) {
    long minutes = d.toMinutes();
    if (minutes % (7 * 24 * 60) == 0) {
      return minutes / (7 * 24 * 60) + "w";
    }
    if (minutes % (24 * 60) == 0) {
      return minutes / (24 * 60) + "d";
    }
    if (minutes % 60 == 0) {
      return minutes / 60 + "h";
    }
    return minutes + "m";
  }
}
