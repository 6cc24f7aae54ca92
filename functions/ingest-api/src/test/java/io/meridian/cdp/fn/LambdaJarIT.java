package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The deployable jar of ingest-api, run on its own (see {@link LambdaJar}). */
class LambdaJarIT {
  @Test
  void theDeployableJarAloneAcceptsTheFixtureBatch() throws Exception {
    List<Object> appended = Collections.synchronizedList(new ArrayList<>());
    try (LambdaJar jar = LambdaJar.open()) {
      Object sink =
          jar.implement(
              "io.meridian.cdp.ingest.EventSink",
              (proxy, method, args) -> {
                if (method.getName().equals("append")) {
                  appended.addAll((List<?>) args[0]);
                  return null;
                }
                return method.getName().equals("hashCode") ? 0 : "sink";
              });
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.IngestApiHandler",
              List.of(
                  jar.type("io.meridian.cdp.tenant.CdpConfig"),
                  jar.type("io.meridian.cdp.ingest.EventSink")),
              jar.config(),
              sink);
      // a stream handler: given the invocation's bytes, as the Lambda runtime does
      String response = jar.handleStream(handler, "api-gateway/batch-base64-gzip.json");

      var answer = io.meridian.cdp.event.Json.MAPPER.readTree(response);
      assertThat(answer.path("statusCode").asInt()).as(response).isEqualTo(200);
      assertThat(answer.path("headers").path("Content-Type").asText())
          .isEqualTo("application/json");
      assertThat(answer.path("isBase64Encoded").asBoolean(true)).isFalse();
      assertThat(io.meridian.cdp.event.Json.MAPPER.readTree(answer.path("body").asText()))
          .isNotNull();
    }
    assertThat(appended).hasSize(4);
  }

  @Test
  void theDeployableJarHoldsNoDuckDbNoHadoopNoSignaturesAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries).contains("io/meridian/cdp/fn/IngestApiHandler.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
