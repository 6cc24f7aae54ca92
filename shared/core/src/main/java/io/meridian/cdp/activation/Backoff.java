package io.meridian.cdp.activation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter between webhook attempts: before attempt {@code n + 1} the
 * deliverer waits a random time in {@code [0, min(maxMillis, initialMillis * 2^(n-1))]}.
 *
 * @param initialMillis the cap of the first wait (default 200)
 * @param maxMillis the largest cap (default 10000)
 */
public record Backoff(
    @JsonProperty("initialMillis") Integer initialMillis,
    @JsonProperty("maxMillis") Integer maxMillis) {

  public Backoff {
    initialMillis = initialMillis == null ? 200 : initialMillis;
    maxMillis = maxMillis == null ? Math.max(10_000, initialMillis) : maxMillis;
    if (initialMillis < 1 || initialMillis > 600_000) {
      throw new IllegalArgumentException(
          "backoff.initialMillis must be between 1 and 600000, not " + initialMillis);
    }
    if (maxMillis < initialMillis || maxMillis > 3_600_000) {
      throw new IllegalArgumentException(
          "backoff.maxMillis must be between initialMillis ("
              + initialMillis
              + ") and 3600000, not "
              + maxMillis);
    }
  }

  /** The defaults. */
  public static Backoff defaults() {
    return new Backoff(null, null);
  }

  /** The upper bound of the wait after failed attempt {@code attempt} (1-based). */
  public long capMillis(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    return Math.min((long) maxMillis, (long) initialMillis << shift);
  }

  /** A random wait after failed attempt {@code attempt} (full jitter). */
  public long delayMillis(int attempt) {
    return ThreadLocalRandom.current().nextLong(capMillis(attempt) + 1);
  }
}
