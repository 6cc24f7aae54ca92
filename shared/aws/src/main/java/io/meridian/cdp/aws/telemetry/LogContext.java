package io.meridian.cdp.aws.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * The keys every log line of an invocation carries, set by the handler (the same calls in every
 * function): {@link #begin} at the start of an invocation with the Lambda request id and the
 * correlation id the input carries, {@link #tenant} as soon as the tenant is known. They live in
 * SLF4J's MDC, so any logging backend that prints the MDC prints them; {@link JsonLogProvider}
 * prints them as fields of the JSON line, and {@link Metrics} adds them to its EMF lines.
 *
 * <p>Correlation ids by trigger (DEPLOY.md "Logs"): API Gateway's request id for HTTP, the Kinesis
 * batch id (which names the raw objects written) in stream-to-raw, the batch id of the raw object
 * in raw-to-clean, the Step Functions execution id in the state machines' tasks, the erasure
 * request id in erase. Never an identifier of a person.
 */
public final class LogContext {
  /** The Lambda request id of the invocation. */
  public static final String REQUEST_ID = "function_request_id";

  /** What ties the lines of one unit of work together across functions. */
  public static final String CORRELATION_ID = "correlation_id";

  /** The tenant the invocation works for, where the handler knows it. */
  public static final String TENANT = "tenant";

  /** The X-Ray trace id (Root=...) of the invocation, when tracing is on. */
  public static final String XRAY_TRACE_ID = "xray_trace_id";

  private LogContext() {}

  /**
   * Starts an invocation: forgets the keys of the previous one and sets the request id, the
   * correlation id (the request id when the input carries none) and the trace id.
   *
   * @param context the Lambda context (null in some tests: no request id then)
   * @param correlationId the correlation id the input carries, or null
   */
  public static void begin(Context context, String correlationId) {
    MDC.clear();
    String requestId = context == null ? null : context.getAwsRequestId();
    put(REQUEST_ID, requestId);
    put(
        CORRELATION_ID,
        correlationId == null || correlationId.isBlank() ? requestId : correlationId);
    put(XRAY_TRACE_ID, traceId());
  }

  /** Sets the tenant of the invocation (nothing when null). */
  public static void tenant(String tenant) {
    put(TENANT, tenant);
  }

  /** A key's value in the current invocation. */
  public static Optional<String> get(String key) {
    return Optional.ofNullable(MDC.get(key));
  }

  private static void put(String key, String value) {
    if (value != null && !value.isBlank()) {
      MDC.put(key, value);
    }
  }

  /** The Root of the trace header (Java runtime: a system property; others: the environment). */
  private static String traceId() {
    String header = System.getProperty("com.amazonaws.xray.traceHeader");
    if (header == null) {
      header = System.getenv("_X_AMZN_TRACE_ID");
    }
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      if (part.startsWith("Root=")) {
        return part.substring("Root=".length());
      }
    }
    return null;
  }
}
