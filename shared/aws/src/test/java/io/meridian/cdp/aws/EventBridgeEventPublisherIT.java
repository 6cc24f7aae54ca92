package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.DestinationReport;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.EventPublisherContractTest;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.PublishReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link EventBridgeEventPublisher} against moto server: a bus, one rule per destination with the
 * destination's {@link DestinationConfig#busPattern bus pattern}, an SQS queue as the rule's target
 * standing in for the deliverer, read back to see what the rule matched.
 */
class EventBridgeEventPublisherIT extends EventPublisherContractTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger BUSES = new AtomicInteger();

  private EventBridgeClient events;
  private SqsClient sqs;
  private String bus;
  private String queueUrl;

  @BeforeEach
  void createClients() {
    events = MOTO.eventBridge();
    sqs = MOTO.sqs();
  }

  @Override
  protected EventPublisher publisher() throws Exception {
    return publisher(
        new DestinationConfig(
            "sink",
            "file",
            JSON.readTree(VIP_ENTRIES),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  private EventPublisher publisher(DestinationConfig destination) {
    bus = "cdp-activation-" + BUSES.incrementAndGet();
    events.createEventBus(b -> b.name(bus));
    queueUrl = sqs.createQueue(b -> b.queueName(bus)).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(
                b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String rule = "acme-" + destination.id();
    events.putRule(
        b ->
            b.name(rule).eventBusName(bus).eventPattern(destination.busPattern("acme").toString()));
    events.putTargets(
        b ->
            b.rule(rule)
                .eventBusName(bus)
                .targets(Target.builder().id("queue").arn(queueArn).build()));
    return new EventBridgeEventPublisher(events, bus);
  }

  @Override
  protected List<JsonNode> received(int expected) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              out.addAll(drain());
              return out.size() >= expected;
            });
    out.addAll(drain()); // anything beyond what was expected
    return out;
  }

  private List<JsonNode> drain() throws java.io.IOException {
    List<JsonNode> out = new ArrayList<>();
    List<Message> messages =
        sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
            .messages();
    for (Message m : messages) {
      out.add(JSON.readTree(m.body()));
      sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
    }
    return out;
  }

  private static ActivationEvent change(
      String tenant, String profile, Map<String, Boolean> consent) {
    return MembershipChangeEvents.of(
        tenant,
        "vip",
        "VIP",
        profile,
        "entered",
        Instant.parse("2026-11-24T10:00:00Z"),
        "run-1",
        Map.of(),
        Map.of(),
        consent);
  }

  @Test
  void sendsInRequestsOfTenAndReportsWhatTheBusAccepted() throws Exception {
    EventPublisher publisher = publisher();
    List<ActivationEvent> many =
        IntStream.range(0, 25).mapToObj(i -> change("acme", "p-" + i, Map.of())).toList();

    PublishReport report = publisher.publish(many);

    assertThat(report.destinations())
        .containsExactly(new DestinationReport("acme", "bus:" + bus, 25, 0, 25, 0, 0));
    assertThat(received(25))
        .extracting(e -> e.at("/detail/event_id").asText())
        .containsExactlyInAnyOrderElementsOf(many.stream().map(ActivationEvent::id).toList());
  }

  @Test
  void theRuleLeavesOutOtherTenantsAndProfilesWithoutConsent() throws Exception {
    EventPublisher publisher =
        publisher(
            new DestinationConfig(
                "ads",
                "file",
                JSON.readTree(VIP_ENTRIES),
                "advertising",
                null,
                null,
                null,
                null,
                null,
                null,
                null));

    publisher.publish(
        List.of(
            change("acme", "granted", Map.of("advertising", true)),
            change("acme", "refused", Map.of("advertising", false)),
            change("acme", "unknown", Map.of()),
            change("other", "other-tenant", Map.of("advertising", true))));

    assertThat(received(2))
        .extracting(e -> e.at("/detail/profile_id").asText())
        .containsExactlyInAnyOrder("granted", "unknown");
  }

  @Test
  void anEventOverTheSizeLimitIsCountedNotSent() throws Exception {
    EventPublisher publisher = publisher();
    ActivationEvent huge =
        MembershipChangeEvents.of(
            "acme",
            "vip",
            "VIP",
            "p-huge",
            "entered",
            Instant.parse("2026-11-24T10:00:00Z"),
            "run-1",
            Map.of("notes", "x".repeat(300_000)),
            Map.of(),
            Map.of());

    PublishReport report = publisher.publish(List.of(huge, change("acme", "p-1", Map.of())));

    assertThat(report.destinations())
        .containsExactly(new DestinationReport("acme", "bus:" + bus, 2, 0, 1, 1, 0));
    assertThat(received(1))
        .extracting(e -> e.at("/detail/profile_id").asText())
        .containsExactly("p-1");
  }
}
