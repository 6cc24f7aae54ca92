package io.meridian.cdp.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per tenant: {@code rate} events per second, with bursts up to one second's worth
 * or one full batch, whichever is larger (so a legal batch is never refused forever). Thread-safe.
 */
public final class RateLimiter {
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  public RateLimiter() {
    this(System::nanoTime);
  }

  RateLimiter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * Takes {@code events} tokens from {@code tenant}'s bucket.
   *
   * @return 0 when allowed, otherwise the whole seconds to wait before retrying (at least 1)
   */
  public long tryAcquire(String tenant, int ratePerSecond, int events) {
    Bucket b =
        buckets.computeIfAbsent(
            tenant,
            t ->
                new Bucket(
                    Math.max(ratePerSecond, io.meridian.cdp.event.Limits.MAX_BATCH_EVENTS),
                    nanoClock.getAsLong()));
    synchronized (b) {
      long now = nanoClock.getAsLong();
      double capacity = Math.max(ratePerSecond, io.meridian.cdp.event.Limits.MAX_BATCH_EVENTS);
      b.tokens = Math.min(capacity, b.tokens + (now - b.lastNanos) / 1e9 * ratePerSecond);
      b.lastNanos = now;
      if (b.tokens >= events) {
        b.tokens -= events;
        return 0;
      }
      double missing = Math.min(events, capacity) - b.tokens;
      return Math.max(1, (long) Math.ceil(missing / ratePerSecond));
    }
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }
  }
}
