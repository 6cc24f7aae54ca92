package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployable jar of raw-to-clean, run on its own (see {@link LambdaJar}). */
class LambdaJarIT {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T10:00:06Z"), ZoneOffset.UTC);
  private static final String PART =
      "web-h10-kinesis-000000000000-49656888040426347519423587362519436282119016226734407682-n4";

  @TempDir Path temp;

  @Test
  void theDeployableJarAloneConvertsTheFixtureRawObjectToCleanParquet() throws Exception {
    InMemoryObjectStore seed = new InMemoryObjectStore();
    new StreamToRawHandler(seed, CLOCK)
        .handleRequest(Fixtures.event("kinesis/envelopes.json", KinesisEvent.class), null);
    Map<String, byte[]> objects = new ConcurrentHashMap<>();
    for (String key : seed.list("")) {
      objects.put(key, seed.get(key).orElseThrow());
    }

    try (LambdaJar jar = LambdaJar.open()) {
      Object lake = jar.objectStore(objects);
      Function<String, Object> lakeOfBucket = bucket -> lake;
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.RawToCleanHandler",
              List.of(
                  Function.class,
                  jar.type("io.meridian.cdp.tenant.CdpConfig"),
                  Path.class,
                  Clock.class),
              lakeOfBucket,
              jar.config(),
              temp.resolve("work"),
              CLOCK);
      jar.handle(
          handler,
          jar.event(
              "s3/raw-object-created.json",
              "com.amazonaws.services.lambda.runtime.events.S3Event"));
    }

    Path clean = temp.resolve("clean.parquet");
    Files.write(clean, objects.get("clean/events/tenant=acme/dt=2026-11-24/" + PART + ".parquet"));
    assertThat(ParquetFiles.readAll(CleanTables.EVENTS, clean)).hasSize(3);
    Path quarantine = temp.resolve("quarantine.parquet");
    Files.write(
        quarantine,
        objects.get("quarantine/records/tenant=acme/dt=2026-11-24/" + PART + ".parquet"));
    assertThat(ParquetFiles.readAll(CleanTables.QUARANTINE, quarantine)).hasSize(1);
  }

  @Test
  void theDeployableJarHoldsNoDuckDbNoHadoopNoSignaturesAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries).contains("io/meridian/cdp/fn/RawToCleanHandler.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
