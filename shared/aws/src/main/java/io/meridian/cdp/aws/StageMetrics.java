package io.meridian.cdp.aws;

import io.meridian.cdp.accounting.StageCounts;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * A stage's accounting as CloudWatch metrics, through Powertools for AWS Lambda (embedded metric
 * format: one JSON line in the function's log, turned into metrics by CloudWatch, no API call).
 * Namespace and service come from {@code POWERTOOLS_METRICS_NAMESPACE} and {@code
 * POWERTOOLS_SERVICE_NAME}, which the CDK app sets. Each unit of work is flushed on its own, with
 * the dimensions {@code Stage} and {@code Tenant}: {@code EventsIn}, {@code EventsOut}, {@code
 * EventsQuarantined} and {@code Duplicates} — the figures of {@code ops.accounting}, never values.
 */
public final class StageMetrics {
  private StageMetrics() {}

  /** Publishes the counts of one unit of work. */
  public static void publish(StageCounts c) {
    MetricsFactory.getMetricsInstance()
        .flushMetrics(
            m -> {
              m.addDimension("Stage", c.stage());
              m.addDimension("Tenant", c.tenant());
              m.addMetric("EventsIn", c.input(), MetricUnit.COUNT);
              m.addMetric("EventsOut", c.output(), MetricUnit.COUNT);
              m.addMetric("EventsQuarantined", c.quarantinedTotal(), MetricUnit.COUNT);
              m.addMetric("Duplicates", c.duplicates(), MetricUnit.COUNT);
            });
  }
}
