package io.meridian.cdp.aws.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.aws.StageMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class TelemetryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterEach
  void forgetTheInvocation() {
    LogContext.begin(null, null);
  }

  @Test
  void everyLogLineIsOneJsonObjectWithTheInvocationsKeys() throws Exception {
    List<String> lines;
    try (StdoutCapture out = new StdoutCapture()) {
      LogContext.begin(null, "batch-1");
      LogContext.tenant("acme");
      LoggerFactory.getLogger("io.meridian.cdp.Some").info("converted {} of {}", 3, 4);
      LoggerFactory.getLogger("io.meridian.cdp.Some")
          .error("failed \"quoted\"\nsecond line", new IllegalStateException("boom"));
      lines = out.lines();
    }
    assertThat(lines).hasSize(2);
    JsonNode info = JSON.readTree(lines.get(0));
    assertThat(info.path("level").asText()).isEqualTo("INFO");
    assertThat(info.path("message").asText()).isEqualTo("converted 3 of 4");
    assertThat(info.path("logger").asText()).isEqualTo("io.meridian.cdp.Some");
    assertThat(info.path("tenant").asText()).isEqualTo("acme");
    assertThat(info.path("correlation_id").asText()).isEqualTo("batch-1");
    assertThat(Instant.parse(info.path("timestamp").asText())).isNotNull();
    JsonNode error = JSON.readTree(lines.get(1));
    assertThat(error.path("message").asText()).isEqualTo("failed \"quoted\"\nsecond line");
    assertThat(error.path("error").path("name").asText())
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(error.path("error").path("stack").asText()).contains("TelemetryTest");
  }

  @Test
  void aNewInvocationForgetsTheLastOnesTenant() {
    LogContext.begin(null, "one");
    LogContext.tenant("acme");
    LogContext.begin(null, "two");
    assertThat(LogContext.get(LogContext.TENANT)).isEmpty();
    assertThat(LogContext.get(LogContext.CORRELATION_ID)).contains("two");
  }

  @Test
  void levelsComeFromTheEnvironmentAndLibrariesStayQuietBelowWarn() {
    JsonLine debug = new JsonLine("svc", "fn", JsonLine.level("debug"));
    assertThat(debug.enabled("io.meridian.cdp.X", Level.DEBUG)).isTrue();
    assertThat(debug.enabled("software.amazon.awssdk.request", Level.INFO)).isFalse();
    assertThat(debug.enabled("software.amazon.awssdk.request", Level.WARN)).isTrue();
    JsonLine info = new JsonLine("svc", "fn", JsonLine.level(null));
    assertThat(info.enabled("io.meridian.cdp.X", Level.DEBUG)).isFalse();
    assertThat(JsonLine.level("WARNING")).isEqualTo(Level.WARN);
  }

  @Test
  void theLineNamesTheServiceAndTheFunction() throws Exception {
    JsonLine line = new JsonLine("raw-to-clean", "cdp-dev-raw-to-clean", Level.INFO);
    JsonNode node =
        JSON.readTree(
            line.format(Instant.EPOCH, Level.WARN, "l", "m", Map.of("tenant", "acme"), null));
    assertThat(node.path("service").asText()).isEqualTo("raw-to-clean");
    assertThat(node.path("function_name").asText()).isEqualTo("cdp-dev-raw-to-clean");
    assertThat(node.path("timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(node.has("error")).isFalse();
  }

  @Test
  void metricsAreOneEmfLineWithTheTenantAsAPropertyNotADimension() throws Exception {
    LogContext.begin(null, "exec-1");
    LogContext.tenant("acme");
    String line =
        Metrics.stage("identity")
            .count("Merges", 2)
            .milliseconds("LagMillis", 1500)
            .line(null, "resolve-identities", 1_000L);
    JsonNode emf = JSON.readTree(line);
    JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(emf.path("_aws").path("Timestamp").asLong()).isEqualTo(1_000L);
    assertThat(directive.path("Namespace").asText()).isEqualTo("MeridianCDP");
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\",\"Stage\"]]");
    assertThat(directive.path("Metrics").toString())
        .isEqualTo(
            "[{\"Name\":\"Merges\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"LagMillis\",\"Unit\":\"Milliseconds\"}]");
    assertThat(emf.path("Service").asText()).isEqualTo("resolve-identities");
    assertThat(emf.path("Stage").asText()).isEqualTo("identity");
    assertThat(emf.path("Tenant").asText()).isEqualTo("acme");
    assertThat(emf.path("correlation_id").asText()).isEqualTo("exec-1");
    assertThat(emf.path("Merges").asLong()).isEqualTo(2);
    assertThat(emf.path("LagMillis").asLong()).isEqualTo(1500);
  }

  @Test
  void stageCountsArePublishedAsTheAccountingFigures() throws Exception {
    List<String> lines;
    try (StdoutCapture out = new StdoutCapture()) {
      StageMetrics.publish(
          new StageCounts(
              "clean",
              "acme",
              "web",
              "raw/x",
              4,
              3,
              Map.of("invalid", 1L),
              0,
              Instant.EPOCH,
              Map.of()));
      Metrics.stage("empty").publish();
      lines = out.lines();
    }
    assertThat(lines).hasSize(1);
    JsonNode emf = JSON.readTree(lines.get(0));
    assertThat(emf.path("Tenant").asText()).isEqualTo("acme");
    assertThat(emf.path("EventsIn").asLong()).isEqualTo(4);
    assertThat(emf.path("EventsOut").asLong()).isEqualTo(3);
    assertThat(emf.path("EventsQuarantined").asLong()).isEqualTo(1);
    assertThat(emf.path("Duplicates").asLong()).isEqualTo(0);
  }
}
