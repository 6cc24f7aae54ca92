package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The deployable jar of stream-to-raw, run on its own (see {@link LambdaJar}). */
class LambdaJarIT {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T10:00:05Z"), ZoneOffset.UTC);

  @Test
  void theDeployableJarAloneWritesTheFixtureBatchToTheRawZone() throws Exception {
    Map<String, byte[]> objects = new ConcurrentHashMap<>();
    try (LambdaJar jar = LambdaJar.open()) {
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.StreamToRawHandler",
              List.of(jar.type("io.meridian.cdp.lake.ObjectStore"), Clock.class),
              jar.objectStore(objects),
              CLOCK);
      Object response =
          jar.handle(
              handler,
              jar.event(
                  "kinesis/with-unroutable.json",
                  "com.amazonaws.services.lambda.runtime.events.KinesisEvent"));

      assertThat((List<?>) LambdaJar.call(response, "getBatchItemFailures")).isEmpty();
    }
    String batch =
        "kinesis-000000000000-49656888040426347519423587362519436282119016226734407682-n5";
    assertThat(objects)
        .containsKeys(
            "raw/tenant=acme/source=web/dt=2026-11-24/hour=10/" + batch + ".jsonl.gz",
            "_unroutable/raw/dt=2026-11-24/" + batch + ".jsonl.gz");
  }

  @Test
  void theDeployableJarHoldsNoDuckDbNoHadoopNoSignaturesAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries).contains("io/meridian/cdp/fn/StreamToRawHandler.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
