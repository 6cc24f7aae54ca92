package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.lake.InMemoryObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LambdaJarIT {
  @TempDir Path temp;

  @Test
  void theDeployableJarAloneAnswersAProfileLookup() throws Exception {
    InMemoryObjectStore seed = ProfileLake.acme(temp.resolve("seed"));
    Map<String, byte[]> objects = new ConcurrentHashMap<>();
    for (String key : seed.list("")) {
      objects.put(key, seed.get(key).orElseThrow());
    }
    try (LambdaJar jar = LambdaJar.open()) {
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.ProfileApiHandler",
              List.of(
                  jar.type("io.meridian.cdp.lake.ObjectStore"),
                  jar.type("io.meridian.cdp.tenant.CdpConfig"),
                  Path.class),
              jar.objectStore(objects),
              jar.config(),
              temp.resolve("work"));
      Object response =
          jar.handle(
              handler,
              jar.event(
                  "api-gateway/profile-by-email.json",
                  "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent"));
      assertThat(LambdaJar.call(response, "getStatusCode")).isEqualTo(200);
      assertThat((String) LambdaJar.call(response, "getBody")).contains("ann@example.com");
    }
  }

  @Test
  void theDeployableJarHoldsNoDuckDbNoHadoopNoSignaturesAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries).contains("io/meridian/cdp/fn/ProfileApiHandler.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
