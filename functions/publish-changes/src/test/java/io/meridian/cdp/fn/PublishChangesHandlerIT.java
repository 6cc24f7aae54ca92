package io.meridian.cdp.fn;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.EventBridgeEventPublisher;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.aws.S3ObjectStore;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import io.meridian.cdp.parquet.TableSchema;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.profile.CuratedProfiles;
import io.meridian.cdp.segment.SegmentStatements;
import io.meridian.cdp.segment.SegmentTables;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * publish-changes against moto server: the lake on S3, the activation bus on EventBridge with a
 * rule whose target is an SQS queue (standing in for the API destinations), read back. The changes
 * are laid out as compute-segments leaves them on AWS — a directory per run of files Athena names,
 * columns declared optional as Athena's writer does — written here with our Parquet writer, because
 * moto runs no Athena SQL.
 */
class PublishChangesHandlerIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final AtomicInteger N = new AtomicInteger();
  private static final Instant AT = Instant.parse("2026-11-24T06:00:00Z");
  private static final String RUN = "000001-20261124T060000Z";
  private static final String SEGMENTS =
      """
        segments:
        - id: pro
          name: Pro plan
          where: {trait: plan, eq: pro}
          activation: {traits: [plan], identifiers: [email]}
      """;

  /** segment_changes as an engine writes it: every column optional. */
  private static final TableSchema ENGINE_CHANGES =
      new TableSchema(
          SegmentTables.CHANGES.name(),
          SegmentTables.CHANGES.columns().stream()
              .map(c -> Column.optional(c.name(), c.type()))
              .toList());

  @TempDir Path temp;

  private S3ObjectStore lake;
  private CuratedStore store;
  private CdpConfig config;
  private EventBridgeClient events;
  private SqsClient sqs;
  private String bus;
  private String queueUrl;
  private Suppression suppression;

  @BeforeEach
  void lakeBusAndQueue() throws Exception {
    int n = N.incrementAndGet();
    String bucket = "lake-" + n;
    MOTO.s3().createBucket(b -> b.bucket(bucket));
    lake = new S3ObjectStore(MOTO.s3(), bucket);
    store = new CuratedStore(lake, temp.resolve("seed"));
    Path yaml = temp.resolve("cdp.yaml");
    Files.writeString(
        yaml, Fixtures.text("cdp.yaml").replace("  sources:\n", SEGMENTS + "  sources:\n"));
    config = ConfigFile.load(yaml);
    writeClean(
        lake,
        temp,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call(
                "m1",
                "identify",
                null,
                "u-1",
                null,
                "{\"plan\":\"pro\",\"email\":\"ann@example.com\"}",
                null,
                100,
                "{\"consent\":{\"categoryPreferences\":{\"Advertising\":false}}}"),
            new Call(
                "m2",
                "identify",
                null,
                "u-2",
                null,
                "{\"plan\":\"pro\",\"email\":\"bob@example.com\"}",
                null,
                200)));
    var rules = config.tenant("acme").orElseThrow().identityRules();
    new ResolveIdentities(store).run("acme", rules, "US");
    new BuildProfiles(store).run("acme", rules);

    events = MOTO.eventBridge();
    sqs = MOTO.sqs();
    bus = "cdp-test-activation-" + n;
    events.createEventBus(b -> b.name(bus));
    queueUrl = sqs.createQueue(b -> b.queueName(bus)).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    events.putRule(
        b ->
            b.name("acme-all")
                .eventBusName(bus)
                .eventPattern(
                    "{\"source\":[\"meridian.cdp\"],\"detail\":{\"tenant\":[\"acme\"]}}"));
    events.putTargets(
        b ->
            b.rule("acme-all")
                .eventBusName(bus)
                .targets(Target.builder().id("queue").arn(queueArn).build()));
    suppression =
        new Suppression(
            lake,
            new PrivacyKeys(ref -> "test-privacy-key", PrivacyKeys::localRef),
            Duration.ZERO,
            Clock.systemUTC());
  }

  private String profileOf(String userId) {
    return new CuratedProfiles(store, Duration.ZERO, Clock.systemUTC())
        .byIdentifier("acme", "user_id", userId)
        .orElseThrow()
        .profileId();
  }

  /** Run 1 of compute-segments as it leaves the lake on AWS: entered, both profiles. */
  private void segmentRunOne() throws Exception {
    List<Object[]> rows = new ArrayList<>();
    for (String user : List.of("u-1", "u-2")) {
      rows.add(new Object[] {"pro", profileOf(user), "entered", AT, RUN});
    }
    Path file = temp.resolve("changes.parquet");
    Files.deleteIfExists(file);
    try (RowWriter w = ParquetFiles.create(ENGINE_CHANGES, file)) {
      for (Object[] r : rows) {
        w.write(r);
      }
    }
    lake.putFile(
        "curated/segment_changes/tenant=acme/snapshot=000001/20261124_060001_00001_abcde_0", file);
    store.switchTo(
        "acme",
        SegmentTables.STEP,
        new CuratedStore.Pointer(
            1,
            0,
            AT.toEpochMilli() * 1_000,
            RUN,
            List.of(),
            Map.of(SegmentTables.MEMBERSHIP.name(), SegmentStatements.membershipPrefix("acme", 1)),
            ""),
        CuratedStore.Pointer.initial());
  }

  private PublishChangesHandler handler(EventPublisher bus) {
    return new PublishChangesHandler(
        new CurateTask(lake, () -> config, temp.resolve("work")),
        bus,
        suppression,
        Map.of("acme", List.of("advertising", "email"), "globex", List.of("sms")));
  }

  private List<JsonNode> received(int expected) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              out.addAll(drain());
              return out.size() >= expected;
            });
    out.addAll(drain());
    return out;
  }

  private List<JsonNode> drain() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (Message m :
        sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
            .messages()) {
      out.add(Json.MAPPER.readTree(m.body()));
      sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    }
    return out;
  }

  @Test
  void theRunsChangesArriveOnTheBusWithTraitsIdentifiersAndConsentOnce() throws Exception {
    segmentRunOne();
    EventPublisher eventBridge = new EventBridgeEventPublisher(events, bus);

    Map<String, Object> out = handler(eventBridge).handleRequest(Map.of("tenant", "acme"), null);

    assertThat(out)
        .containsEntry("published", 1)
        .containsEntry("events", 2)
        .containsEntry("accepted", 2L)
        .containsEntry("suppressed", 0L)
        .containsEntry("noop", false)
        // Ann refused advertising: the rules of the tenant's advertising destinations leave her
        // out on AWS, and this is where that is counted; nobody refused email
        .containsEntry("excludedByConsent", Map.of("advertising", 1L, "email", 0L));
    List<JsonNode> arrived = received(2);
    assertThat(arrived).hasSize(2);
    JsonNode ann =
        arrived.stream()
            .map(e -> e.path("detail"))
            .filter(d -> d.path("profile_id").asText().equals(profileOf("u-1")))
            .findFirst()
            .orElseThrow();
    assertThat(arrived.get(0).path("detail-type").asText()).isEqualTo("Segment Membership Changed");
    assertThat(ann.path("segment").path("name").asText()).isEqualTo("Pro plan");
    assertThat(ann.path("change").asText()).isEqualTo("entered");
    assertThat(ann.path("run_id").asText()).isEqualTo(RUN);
    assertThat(ann.path("traits").path("plan").asText()).isEqualTo("pro");
    assertThat(ann.path("identifiers").path("email").get(0).asText()).isEqualTo("ann@example.com");
    assertThat(ann.path("consent").path("advertising").asBoolean(true)).isFalse();
    assertThat(lake.get("_state/curated/tenant=acme/activation.json")).isPresent();

    // nothing new: nothing published again
    assertThat(handler(eventBridge).handleRequest(Map.of("tenant", "acme"), null))
        .containsEntry("noop", true);
    assertThat(drain()).isEmpty();
  }

  @Test
  void aPublishTheBusRefusesKeepsProgressAndTheRetrySendsTheSameEvents() throws Exception {
    segmentRunOne();
    List<ActivationEvent> offered = new ArrayList<>();
    EventPublisher refusing =
        batch -> {
          offered.addAll(batch);
          // what EventBridgeEventPublisher reports when PutEvents still refuses entries
          return new PublishReport(
              batch.size(),
              0,
              List.of(
                  new io.meridian.cdp.activation.DestinationReport(
                      "acme", "bus:" + bus, batch.size(), 0, 1, batch.size() - 1, 4)));
        };

    assertThatThrownBy(() -> handler(refusing).handleRequest(Map.of("tenant", "acme"), null))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("refused 1 of 2 events");
    assertThat(lake.get("_state/curated/tenant=acme/activation.json")).isEmpty();

    handler(new EventBridgeEventPublisher(events, bus))
        .handleRequest(Map.of("tenant", "acme"), null);
    List<String> retried =
        received(2).stream().map(e -> e.path("detail").path("event_id").asText()).sorted().toList();
    assertThat(retried)
        .isEqualTo(
            offered.stream().map(e -> e.detail().path("event_id").asText()).sorted().toList());
  }

  @Test
  void anErasedPersonIsNeverPublished() throws Exception {
    segmentRunOne();
    suppression.add("acme", "er-1", List.of(suppression.hash("acme", "user_id", "u-2")));

    Map<String, Object> out =
        handler(new EventBridgeEventPublisher(events, bus))
            .handleRequest(Map.of("tenant", "acme"), null);

    assertThat(out).containsEntry("events", 1).containsEntry("suppressed", 1L);
    List<JsonNode> arrived = received(1);
    assertThat(arrived)
        .extracting(e -> e.path("detail").path("profile_id").asText())
        .containsExactly(profileOf("u-1"));
  }

  @Test
  void aTenantMissingFromCdpYamlFailsTheTask() {
    assertThatThrownBy(
            () ->
                handler(new EventBridgeEventPublisher(events, bus))
                    .handleRequest(Fixtures.json("stepfunctions/curate-unknown-tenant.json"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant 'globex' is not declared in cdp.yaml");
  }
}
