package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a handler writes to standard output while a test runs (its log, ADR 0034), read back as one
 * JSON object per line; closing it puts the real standard output back.
 */
public final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.out;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  public LogCapture() {
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  /**
   * Every line, parsed.
   *
   * @throws AssertionError naming the line when one is not a JSON object
   */
  public List<JsonNode> lines() {
    List<JsonNode> out = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) {
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(line);
      } catch (IOException e) {
        throw new AssertionError("not a JSON log line: " + line, e);
      }
      if (node == null || !node.isObject()) {
        throw new AssertionError("not a JSON object: " + line);
      }
      out.add(node);
    }
    return out;
  }

  /** The metrics lines (embedded metric format) among {@link #lines}. */
  public List<JsonNode> metrics() {
    return lines().stream().filter(l -> l.has("_aws")).toList();
  }

  /** The log lines that are not metrics. */
  public List<JsonNode> logs() {
    return lines().stream().filter(l -> !l.has("_aws")).toList();
  }

  /** The metrics line of a stage, if one was written. */
  public Optional<JsonNode> metricsOf(String stage) {
    return metrics().stream().filter(m -> stage.equals(m.path("Stage").asText())).findFirst();
  }

  /** The names of the metrics a metrics line declares, in order. */
  public static List<String> metricNames(JsonNode emf) {
    return emf.path("_aws")
        .path("CloudWatchMetrics")
        .get(0)
        .path("Metrics")
        .findValuesAsText("Name");
  }

  /** The namespace a metrics line declares. */
  public static String namespace(JsonNode emf) {
    return emf.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText();
  }

  @Override
  public void close() {
    System.setOut(original);
  }

  /** A Lambda context that answers its request id (and null or 0 to everything else). */
  public static Context context(String requestId) {
    return (Context)
        Proxy.newProxyInstance(
            LogCapture.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getAwsRequestId" -> requestId;
                  case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 0;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "Context(" + requestId + ")";
                  default -> null;
                });
  }
}
