package io.meridian.cdp.fn;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Cold-start proxy of an API-facing function (docs/BENCHMARKS.md "Cold start"): run in a fresh JVM
 * with the JVM options the CDK app sets, it loads the deployable jar in its own class loader as the
 * Lambda runtime does, builds the handler with its config, deserializes a fixture event with the
 * runtime's serializer, handles it, and prints the milliseconds from JVM launch to the answer. What
 * it cannot include: the Lambda service's own sandbox start and the download of the jar.
 *
 * <p>Usage, from the function's module directory (fixtures are read from ../../test-events): {@code
 * java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -cp <class path of fn-testing>
 * io.meridian.cdp.fn.ColdStart target/fn-ingest-api-lambda.jar ingest-api}
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ColdStart LAMBDA_JAR ingest-api|authorizer");
      System.exit(2);
    }
    long launched = ManagementFactory.getRuntimeMXBean().getStartTime();
    System.setProperty("lambda.jar", args[0]);
    Object answer;
    try (LambdaJar jar = LambdaJar.open()) {
      answer =
          switch (args[1]) {
            case "ingest-api" -> {
              Object sink =
                  jar.implement(
                      "io.meridian.cdp.ingest.EventSink",
                      (proxy, method, a) -> method.getName().equals("hashCode") ? 0 : null);
              Object handler =
                  jar.construct(
                      "io.meridian.cdp.fn.IngestApiHandler",
                      List.of(
                          jar.type("io.meridian.cdp.tenant.CdpConfig"),
                          jar.type("io.meridian.cdp.ingest.EventSink")),
                      jar.config(),
                      sink);
              // a stream handler: the runtime hands it the event's bytes
              String response = jar.handleStream(handler, "api-gateway/track.json");
              yield field(response, "statusCode", "\\d+");
            }
            case "authorizer" -> {
              Object handler =
                  jar.construct(
                      "io.meridian.cdp.fn.AuthorizerHandler",
                      List.of(jar.type("io.meridian.cdp.tenant.CdpConfig")),
                      jar.config());
              String response = jar.handleStream(handler, "api-gateway/authorizer-request.json");
              yield field(response, "isAuthorized", "true|false");
            }
            default -> throw new IllegalArgumentException("unknown function " + args[1]);
          };
    }
    long ms = System.currentTimeMillis() - launched;
    System.out.println(
        args[1] + ": " + ms + " ms from JVM launch to the first answer (" + answer + ")");
  }

  /**
   * A field of the handler's JSON answer, read without a JSON library of the harness's own (which
   * would be loaded and counted); the whole answer when the field is missing.
   */
  private static String field(String json, String name, String valuePattern) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(" + valuePattern + ")")
            .matcher(json);
    return m.find() ? m.group(1) : json;
  }
}
