package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.aws.S3ObjectStore;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable (shrunk) jar of compute-segments, built by its production constructor from the
 * environment in a JVM of its own ({@link DeployedJar}), against moto's S3 and Athena: the three
 * steps of a segment run, with the jar's own copy of the Athena and S3 clients. moto runs no Athena
 * SQL; it records the statements and answers the count with a result the test queues.
 */
class LambdaJarIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  @TempDir Path temp;

  @Test
  void theDeployableJarPlansWritesMembersThroughAthenaAndSwitchesThePointer() throws Exception {
    MOTO.s3().createBucket(b -> b.bucket("jar-lake"));
    MOTO.s3().createBucket(b -> b.bucket("jar-config"));
    MOTO.athena().createWorkGroup(w -> w.name("jar-segments"));
    S3ObjectStore lake = new S3ObjectStore(MOTO.s3(), "jar-lake");
    CuratedStore store = new CuratedStore(lake, temp.resolve("seed"));
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "a",
        List.of(new Call("m1", "identify", null, "u-1", null, "{\"plan\":\"pro\"}", null, 100)));
    var rules = Fixtures.config().tenant("acme").orElseThrow().identityRules();
    new ResolveIdentities(store).run("acme", rules, "US");
    new BuildProfiles(store).run("acme", rules);
    String yaml =
        Fixtures.text("cdp.yaml")
            .replace(
                "  sources:\n",
                "  segments:\n  - id: pro\n    where: {trait: plan, eq: pro}\n  sources:\n");
    new S3ObjectStore(MOTO.s3(), "jar-config")
        .put("cdp.yaml", yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));

    JsonNode plan = invoke(Map.of("tenant", "acme", "step", "plan"));
    assertThat(plan.path("segments").toString()).isEqualTo("[\"pro\"]");
    JsonNode members =
        invoke(Map.of("tenant", "acme", "step", "members", "segment", "pro", "plan", plan));
    assertThat(members.path("segment").asText()).isEqualTo("pro");
    queueCount();
    JsonNode changes = invoke(Map.of("tenant", "acme", "step", "changes", "plan", plan));

    assertThat(changes.path("entered").asLong()).isEqualTo(1);
    assertThat(changes.path("noop").asBoolean()).isFalse();
    assertThat(store.pointer("acme", "segments").orElseThrow().snapshot()).isEqualTo(1);
    List<String> sent =
        MOTO.athena().listQueryExecutions(l -> l.workGroup("jar-segments")).queryExecutionIds();
    assertThat(sent).hasSize(3); // members UNLOAD, count, changes UNLOAD
  }

  @Test
  void theDeployableJarHoldsAthenaButNoDuckDbNoHadoopAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries)
        .contains(
            "io/meridian/cdp/fn/ComputeSegmentsHandler.class",
            "software/amazon/awssdk/services/athena/AthenaClient.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }

  private JsonNode invoke(Map<String, Object> input) throws Exception {
    Path event = Files.createTempFile(temp, "input", ".json");
    Files.writeString(event, Json.MAPPER.writeValueAsString(input));
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_ENDPOINT_URL", MOTO.endpoint().toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("CDP_S3_FORCE_PATH_STYLE", "true");
    env.put("LAKE_BUCKET", "jar-lake");
    env.put("CONFIG_BUCKET", "jar-config");
    env.put("CONFIG_KEY", "cdp.yaml");
    env.put("ATHENA_WORKGROUP", "jar-segments");
    DeployedJar.Invocation r =
        DeployedJar.invoke(
            Path.of(System.getProperty("lambda.jar")),
            "io.meridian.cdp.fn.ComputeSegmentsHandler",
            "json",
            event,
            env,
            List.of());
    return Json.MAPPER.readTree(r.response());
  }

  private static void queueCount() throws Exception {
    String json =
        """
        {"results": [{
          "rows": [
            {"Data": [{"VarCharValue": "entered"}, {"VarCharValue": "exited"}]},
            {"Data": [{"VarCharValue": "1"}, {"VarCharValue": "0"}]}
          ],
          "column_info": [
            {"Name": "entered", "Label": "entered", "Type": "bigint", "Nullable": "UNKNOWN"},
            {"Name": "exited", "Label": "exited", "Type": "bigint", "Nullable": "UNKNOWN"}
          ]
        }]}
        """;
    MOTO.queueAthenaResults(json);
  }
}
