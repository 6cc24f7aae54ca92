package io.meridian.cdp.aws.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * One log event as one line of JSON: {@code timestamp}, {@code level}, {@code logger}, {@code
 * message}, {@code service}, {@code function_name}, the MDC's keys ({@link LogContext}), and an
 * {@code error} object ({@code name}, {@code message}, {@code stack}) when there is a throwable.
 *
 * <p>Levels: {@code POWERTOOLS_LOG_LEVEL} (set by the CDK app; INFO when absent), and at least WARN
 * for the libraries whose INFO lines are noise ({@link #QUIET}).
 */
final class JsonLine {
  static final JsonFactory JSON = new JsonFactory();

  /** Logger name prefixes that log at WARN and above only (the SDK's and Parquet's chatter). */
  static final List<String> QUIET =
      List.of("software.amazon.awssdk.", "org.apache.parquet.", "org.apache.hadoop.");

  private final String service;
  private final String functionName;
  private final Level threshold;

  JsonLine(String service, String functionName, Level threshold) {
    this.service = service;
    this.functionName = functionName;
    this.threshold = threshold;
  }

  static JsonLine fromEnvironment() {
    return new JsonLine(
        System.getenv("POWERTOOLS_SERVICE_NAME"),
        System.getenv("AWS_LAMBDA_FUNCTION_NAME"),
        level(System.getenv("POWERTOOLS_LOG_LEVEL")));
  }

  /**
   * A level by name, INFO when absent or unknown (Powertools' WARNING and FATAL are understood).
   */
  static Level level(String name) {
    if (name == null || name.isBlank()) {
      return Level.INFO;
    }
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "TRACE" -> Level.TRACE;
      case "DEBUG" -> Level.DEBUG;
      case "WARN", "WARNING" -> Level.WARN;
      case "ERROR", "FATAL", "CRITICAL" -> Level.ERROR;
      default -> Level.INFO;
    };
  }

  String service() {
    return service;
  }

  /** Whether a logger logs at a level. */
  boolean enabled(String logger, Level level) {
    Level min = threshold;
    if (min.toInt() < Level.WARN.toInt() && QUIET.stream().anyMatch(logger::startsWith)) {
      min = Level.WARN;
    }
    return level.toInt() >= min.toInt();
  }

  /** The JSON line of one event (no line separator). */
  String format(
      Instant at,
      Level level,
      String logger,
      String message,
      Map<String, String> mdc,
      Throwable error) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("timestamp", at.toString());
      g.writeStringField("level", level.name());
      g.writeStringField("logger", logger);
      g.writeStringField("message", message);
      if (service != null) {
        g.writeStringField("service", service);
      }
      if (functionName != null) {
        g.writeStringField("function_name", functionName);
      }
      if (mdc != null) {
        for (Map.Entry<String, String> e : mdc.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
      }
      if (error != null) {
        g.writeObjectFieldStart("error");
        g.writeStringField("name", error.getClass().getName());
        g.writeStringField("message", String.valueOf(error.getMessage()));
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        g.writeStringField("stack", stack.toString());
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Writes a line to standard output, looked up on every call (Lambda's runtime and the tests
   * replace it). One {@code println} per line keeps lines whole when threads log at once.
   */
  static void write(String line) {
    System.out.println(line);
  }
}
