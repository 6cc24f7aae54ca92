package io.meridian.cdp.aws;

import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.aws.telemetry.Metrics;

/**
 * A stage's accounting as CloudWatch metrics ({@link Metrics}: embedded metric format, one JSON
 * line in the function's log): {@code EventsIn}, {@code EventsOut}, {@code EventsQuarantined} and
 * {@code Duplicates} with the dimensions {@code Service} and {@code Stage}, the tenant as a
 * property — the figures of {@code ops.accounting}, never values.
 */
public final class StageMetrics {
  private StageMetrics() {}

  /** The counts of one unit of work, to which a stage may add its own before publishing. */
  public static Metrics of(StageCounts c) {
    return Metrics.stage(c.stage())
        .tenant(c.tenant())
        .count("EventsIn", c.input())
        .count("EventsOut", c.output())
        .count("EventsQuarantined", c.quarantinedTotal())
        .count("Duplicates", c.duplicates());
  }

  /** Publishes the counts of one unit of work. */
  public static void publish(StageCounts c) {
    of(c).publish();
  }
}
