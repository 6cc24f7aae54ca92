package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.randomDays;
import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployable jar of resolve-identities, run on its own (see {@link LambdaJar}). */
class LambdaJarIT {
  @TempDir Path temp;

  @Test
  void theDeployableJarAloneResolvesTheTenantsCleanFiles() throws Exception {
    InMemoryObjectStore seed = new InMemoryObjectStore();
    writeClean(seed, temp, "acme", "2026-11-01", "web-a", randomDays(5, 1, 12).get(0));
    Map<String, byte[]> objects = new ConcurrentHashMap<>();
    for (String key : seed.list("")) {
      objects.put(key, seed.get(key).orElseThrow());
    }

    Map<?, ?> first;
    Map<?, ?> second;
    try (LambdaJar jar = LambdaJar.open()) {
      Object config = jar.config();
      Supplier<Object> configSource = () -> config;
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.ResolveIdentitiesHandler",
              List.of(jar.type("io.meridian.cdp.lake.ObjectStore"), Supplier.class, Path.class),
              jar.objectStore(objects),
              configSource,
              temp.resolve("work"));
      first = (Map<?, ?>) jar.handleJson(handler, "stepfunctions/curate-tenant.json");
      second = (Map<?, ?>) jar.handleJson(handler, "stepfunctions/curate-tenant.json");
    }

    assertThat(first.get("tenant")).isEqualTo("acme");
    assertThat(first.get("snapshot")).isEqualTo(1);
    assertThat(first.get("filesRead")).isEqualTo(1);
    assertThat(first.get("events")).isEqualTo(60L);
    assertThat(second.get("snapshot")).isEqualTo(1);
    assertThat(second.get("noop")).isEqualTo(true);
    CuratedStore.Pointer pointer =
        Json.MAPPER.readValue(
            objects.get("_state/curated/tenant=acme/identity.json"), CuratedStore.Pointer.class);
    Path graph = temp.resolve("graph.parquet");
    Files.write(graph, objects.get(pointer.tables().get("identity_graph")));
    assertThat(ParquetFiles.readAll(CuratedTables.IDENTITY_GRAPH, graph))
        .hasSize(((Long) first.get("identifiers")).intValue());
  }

  @Test
  void theDeployableJarHoldsNoDuckDbNoHadoopNoSignaturesAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries).contains("io/meridian/cdp/fn/ResolveIdentitiesHandler.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
