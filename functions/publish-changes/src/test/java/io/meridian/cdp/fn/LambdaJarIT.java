package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.aws.S3ObjectStore;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.segment.ComputeSegments;
import io.meridian.cdp.segment.SegmentStatements;
import io.meridian.cdp.segment.SegmentTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The deployable (shrunk) jar of publish-changes, built by its production constructor from the
 * environment in a JVM of its own ({@link DeployedJar}), against moto's S3, Secrets Manager and
 * EventBridge (a rule with an SQS target, read back): the jar's own EventBridge client puts the
 * run's change on the bus.
 */
class LambdaJarIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  @TempDir Path temp;

  @Test
  void theDeployableJarPutsTheRunsChangesOnTheBus() throws Exception {
    MOTO.s3().createBucket(b -> b.bucket("jar-lake"));
    MOTO.s3().createBucket(b -> b.bucket("jar-config"));
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
    new S3ObjectStore(MOTO.s3(), "jar-config")
        .put(
            "cdp.yaml",
            Fixtures.text("cdp.yaml")
                .replace(
                    "  sources:\n",
                    "  segments:\n  - id: pro\n    where: {trait: plan, eq: pro}\n  sources:\n")
                .getBytes(StandardCharsets.UTF_8));
    String profile =
        new CuratedProfiles(store, Duration.ZERO, Clock.systemUTC())
            .byIdentifier("acme", "user_id", "u-1")
            .orElseThrow()
            .profileId();
    Instant at = Instant.parse("2026-11-24T06:00:00Z");
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"pro", profile, "entered", at, "000001-20261124T060000Z"});
    store.write(SegmentTables.CHANGES, ComputeSegments.changesPrefix("acme", 1) + "part-0", rows);
    store.switchTo(
        "acme",
        SegmentTables.STEP,
        new CuratedStore.Pointer(
            1,
            0,
            at.toEpochMilli() * 1_000,
            "000001-20261124T060000Z",
            List.of(),
            Map.of(SegmentTables.MEMBERSHIP.name(), SegmentStatements.membershipPrefix("acme", 1)),
            ""),
        CuratedStore.Pointer.initial());

    var events = MOTO.eventBridge();
    var sqs = MOTO.sqs();
    events.createEventBus(b -> b.name("jar-activation"));
    String queueUrl = sqs.createQueue(b -> b.queueName("jar-activation")).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    events.putRule(
        b ->
            b.name("all")
                .eventBusName("jar-activation")
                .eventPattern("{\"source\":[\"meridian.cdp\"]}"));
    events.putTargets(
        b ->
            b.rule("all")
                .eventBusName("jar-activation")
                .targets(Target.builder().id("queue").arn(queueArn).build()));

    Path input = temp.resolve("input.json");
    Files.writeString(input, "{\"tenant\": \"acme\"}");
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
    env.put("ACTIVATION_BUS", "jar-activation");
    env.put("TENANT_SECRETS", "cdp-jar-tenant/");
    JsonNode out =
        Json.MAPPER.readTree(
            DeployedJar.invoke(
                    Path.of(System.getProperty("lambda.jar")),
                    "io.meridian.cdp.fn.PublishChangesHandler",
                    "json",
                    input,
                    env,
                    List.of())
                .response());

    assertThat(out.path("events").asInt()).isEqualTo(1);
    assertThat(out.path("accepted").asLong()).isEqualTo(1);
    List<JsonNode> arrived = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (Message m :
                  sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages()) {
                arrived.add(Json.MAPPER.readTree(m.body()));
              }
              return !arrived.isEmpty();
            });
    assertThat(arrived.get(0).path("detail").path("profile_id").asText()).isEqualTo(profile);
    assertThat(lake.get("_state/curated/tenant=acme/activation.json")).isPresent();
  }

  @Test
  void theDeployableJarHoldsEventBridgeButNoDuckDbNoHadoopAndOnlyLinuxNatives() throws Exception {
    List<String> entries;
    try (JarFile jar = new JarFile(System.getProperty("lambda.jar"))) {
      entries = jar.stream().map(JarEntry::getName).toList();
    }
    assertThat(entries)
        .contains(
            "io/meridian/cdp/fn/PublishChangesHandler.class",
            "software/amazon/awssdk/services/eventbridge/EventBridgeClient.class");
    assertThat(entries)
        .noneMatch(e -> e.startsWith("org/duckdb/") || e.startsWith("org/apache/hadoop/"))
        .noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    assertThat(entries.stream().filter(e -> e.matches(".*\\.(so|dll|dylib|jnilib)")))
        .allMatch(e -> e.startsWith("linux/amd64/") || e.startsWith("linux/aarch64/"));
  }
}
