package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.privacy.ErasureReport;
import io.meridian.cdp.privacy.PrivacyKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployable jar of erase, run on its own (see {@link LambdaJar}). */
class LambdaJarIT {
  private static final String PRIVACY_KEY = "jar-test-privacy-key-0123456789";

  @TempDir Path temp;

  @Test
  void theDeployableJarAloneErasesThePersonAndSignsTheReport() throws Exception {
    InMemoryObjectStore seed = new InMemoryObjectStore();
    CleanFixtures.writeClean(
        seed,
        temp,
        "acme",
        "2026-11-01",
        "web-a",
        List.of(
            new Call(
                "a1",
                "identify",
                null,
                "alice",
                "dev-a",
                "{\"email\":\"alice@example.com\"}",
                null,
                100),
            new Call(
                "b1",
                "identify",
                null,
                "bob",
                "dev-b",
                "{\"email\":\"bob@example.com\"}",
                null,
                101)));
    CuratedStore curated = new CuratedStore(seed, temp);
    new ResolveIdentities(curated).run("acme", IdentityRules.defaults(), "US");
    new BuildProfiles(curated).run("acme", IdentityRules.defaults());
    Map<String, byte[]> objects = new ConcurrentHashMap<>();
    for (String key : seed.list("")) {
      objects.put(key, seed.get(key).orElseThrow());
    }

    Map<?, ?> first;
    Map<?, ?> second;
    try (LambdaJar jar = LambdaJar.open()) {
      Object config = jar.config();
      Supplier<Object> configSource = () -> config;
      Object secrets =
          jar.implement("io.meridian.cdp.secret.SecretStore", (p, m, a) -> PRIVACY_KEY);
      Object handler =
          jar.construct(
              "io.meridian.cdp.fn.EraseHandler",
              List.of(
                  jar.type("io.meridian.cdp.lake.ObjectStore"),
                  Supplier.class,
                  jar.type("io.meridian.cdp.secret.SecretStore"),
                  String.class,
                  String.class,
                  Path.class,
                  Clock.class,
                  Duration.class,
                  Duration.class),
              jar.objectStore(objects),
              configSource,
              secrets,
              "cdp-test-tenant/",
              "cdp-test-audit-head-key",
              temp.resolve("work"),
              Clock.systemUTC(),
              Duration.ofMinutes(5),
              Duration.ZERO);
      first = (Map<?, ?>) jar.handleJson(handler, "stepfunctions/erase-request.json");
      second = (Map<?, ?>) jar.handleJson(handler, "stepfunctions/erase-request.json");
    }

    assertThat(first.get("status")).isEqualTo("erased");
    assertThat(second.get("status")).isEqualTo("already_erased");
    PrivacyKeys keys =
        new PrivacyKeys(ref -> PRIVACY_KEY, t -> PrivacyKeys.awsRef("cdp-test-tenant/", t));
    assertThat(ErasureReport.verify(keys, objects.get((String) first.get("reportKey"))).valid())
        .isTrue();
    assertThat(objects.keySet()).anyMatch(k -> k.startsWith("_audit/log/"));
  }

  @Test
  void theDeployableJarHoldsNoDuckDbNoHadoopNoSignaturesAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries)
        .contains(
            "io/meridian/cdp/fn/EraseHandler.class",
            "software/amazon/awssdk/services/secretsmanager/SecretsManagerClient.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
