package io.meridian.cdp.aws.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudWatch metrics of one unit of work in the embedded metric format (EMF): one JSON line in the
 * function's log, which CloudWatch turns into metrics; no API call, no client (ADR 0034). Namespace
 * from {@code POWERTOOLS_METRICS_NAMESPACE} ({@value #DEFAULT_NAMESPACE} when absent), dimensions
 * {@code Service} (the function, {@code POWERTOOLS_SERVICE_NAME}) and {@code Stage}. The tenant,
 * the correlation id and the request id of the invocation ({@link LogContext}) are properties of
 * the line, not dimensions: per-tenant figures come from Logs Insights over these lines, and the
 * number of metrics (what CloudWatch bills) does not grow with the number of tenants.
 *
 * <pre>{@code
 * Metrics.stage("identity").tenant("acme").count("Merges", 3).publish();
 * }</pre>
 */
public final class Metrics {
  /** The namespace when the environment names none (the CDK app's). */
  public static final String DEFAULT_NAMESPACE = "MeridianCDP";

  private static final Clock CLOCK = Clock.systemUTC();

  private final String stage;
  private String tenant;
  private final Map<String, Number> values = new LinkedHashMap<>();
  private final Map<String, String> units = new LinkedHashMap<>();

  private Metrics(String stage) {
    this.stage = stage;
  }

  /** The metrics of one unit of work of a stage ({@code ingest}, {@code raw}, {@code clean}...). */
  public static Metrics stage(String stage) {
    return new Metrics(stage);
  }

  /** The tenant of the unit of work (a property; the invocation's tenant when not set). */
  public Metrics tenant(String tenant) {
    this.tenant = tenant;
    return this;
  }

  /** A count. */
  public Metrics count(String name, long value) {
    return add(name, value, "Count");
  }

  /** A duration in milliseconds. */
  public Metrics milliseconds(String name, long value) {
    return add(name, value, "Milliseconds");
  }

  private Metrics add(String name, long value, String unit) {
    values.put(name, value);
    units.put(name, unit);
    return this;
  }

  /** Writes the line to standard output (nothing when no metric was added). */
  public void publish() {
    if (!values.isEmpty()) {
      JsonLine.write(
          line(
              System.getenv("POWERTOOLS_METRICS_NAMESPACE"),
              System.getenv("POWERTOOLS_SERVICE_NAME"),
              CLOCK.millis()));
    }
  }

  /** The EMF line. */
  String line(String namespace, String service, long timestamp) {
    String tenantValue = tenant != null ? tenant : LogContext.get(LogContext.TENANT).orElse(null);
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JsonLine.JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("_aws");
      g.writeNumberField("Timestamp", timestamp);
      g.writeArrayFieldStart("CloudWatchMetrics");
      g.writeStartObject();
      g.writeStringField(
          "Namespace", namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace);
      g.writeArrayFieldStart("Dimensions");
      g.writeStartArray();
      if (service != null) {
        g.writeString("Service");
      }
      g.writeString("Stage");
      g.writeEndArray();
      g.writeEndArray();
      g.writeArrayFieldStart("Metrics");
      for (Map.Entry<String, String> u : units.entrySet()) {
        g.writeStartObject();
        g.writeStringField("Name", u.getKey());
        g.writeStringField("Unit", u.getValue());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      if (service != null) {
        g.writeStringField("Service", service);
      }
      g.writeStringField("Stage", stage);
      if (tenantValue != null) {
        g.writeStringField("Tenant", tenantValue);
      }
      for (String key : new String[] {LogContext.CORRELATION_ID, LogContext.REQUEST_ID}) {
        String value = LogContext.get(key).orElse(null);
        if (value != null) {
          g.writeStringField(key, value);
        }
      }
      for (Map.Entry<String, Number> v : values.entrySet()) {
        g.writeNumberField(v.getKey(), v.getValue().longValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
