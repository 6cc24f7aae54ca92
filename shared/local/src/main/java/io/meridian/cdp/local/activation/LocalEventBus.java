package io.meridian.cdp.local.activation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.activation.ActivationEvent;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.DestinationMatcher;
import io.meridian.cdp.activation.DestinationReport;
import io.meridian.cdp.activation.DestinationType;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.activation.WebhookRequests;
import io.meridian.cdp.secret.SecretStore;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process activation bus of local mode. {@link #publish} matches every event against the
 * destinations of its tenant with event-ruler, counts and skips profiles whose consent for a
 * destination's purpose is false, maps the payload, and queues the delivery on the destination's
 * own lane (see {@link Lane}); it returns when every lane is done or the deadline has passed,
 * having dead-lettered what could not be delivered. Files live under {@code
 * <data>/activation/<tenant>/}: {@code <destination>.jsonl} for file sinks, {@code
 * <destination>.dead-letter.jsonl} for dead letters.
 */
public final class LocalEventBus implements EventPublisher {
  /** The longest a publish runs unless told otherwise. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(LocalEventBus.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CdpConfig config;
  private final Path activationDir;
  private final SecretStore secrets;
  private final Duration deadline;
  private final Clock clock;
  private final SSLContext tls; // null: the JDK's default trust store (tests pass their own)

  /**
   * @param config the tenants and their destinations
   * @param dataDir the data directory; files go to {@code <dataDir>/activation/}
   * @param secrets resolves webhook signing secrets
   * @param deadline the longest one {@link #publish} may take
   */
  public LocalEventBus(CdpConfig config, Path dataDir, SecretStore secrets, Duration deadline) {
    this(config, dataDir, secrets, deadline, Clock.systemUTC(), null);
  }

  LocalEventBus(
      CdpConfig config,
      Path dataDir,
      SecretStore secrets,
      Duration deadline,
      Clock clock,
      SSLContext tls) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("the publish deadline must be positive, not " + deadline);
    }
    this.config = config;
    this.activationDir = dataDir.resolve("activation");
    this.secrets = secrets;
    this.deadline = deadline;
    this.clock = clock;
    this.tls = tls;
  }

  /** Where the file sink of {@code destination} writes. */
  public Path sinkFile(String tenant, String destination) {
    return activationDir.resolve(tenant).resolve(destination + ".jsonl");
  }

  /** Where the dead letters of {@code destination} go. */
  public Path deadLetterFile(String tenant, String destination) {
    return activationDir.resolve(tenant).resolve(destination + ".dead-letter.jsonl");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Publishes run one at a time (a second call waits), so that file sinks and dead-letter files
   * are only ever appended by one publish. Events of a tenant that is not configured count as
   * unmatched.
   */
  @Override
  public synchronized PublishReport publish(List<ActivationEvent> events) {
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    Map<String, Optional<Tenant>> tenants = new LinkedHashMap<>();
    int unmatched = 0;
    try {
      for (ActivationEvent event : events) {
        Optional<Tenant> tenant = tenants.computeIfAbsent(event.tenant(), this::open);
        if (tenant.isEmpty()) {
          unmatched++;
          continue;
        }
        ObjectNode envelope = event.envelope();
        List<DestinationConfig> matched = tenant.get().matcher.matching(envelope);
        if (matched.isEmpty()) {
          unmatched++;
        }
        for (DestinationConfig destination : matched) {
          Lane lane = tenant.get().lanes.get(destination.id());
          lane.matched.increment();
          if (destination.excludes(event)) {
            lane.excluded.increment();
            continue;
          }
          lane.submit(
              new Delivery(
                  event.id(),
                  WebhookRequests.deliveryId(event.id(), event.tenant(), destination.id()),
                  body(lane, envelope)));
        }
      }
      for (Optional<Tenant> tenant : tenants.values()) {
        for (Lane lane : tenant.map(t -> t.lanes.values()).orElse(List.of())) {
          lane.finishBy(deadlineNanos);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing activation events", e);
    } finally {
      tenants.values().forEach(t -> t.ifPresent(Tenant::close));
    }
    List<DestinationReport> reports = new ArrayList<>();
    for (Optional<Tenant> tenant : tenants.values()) {
      tenant.ifPresent(t -> t.lanes.values().forEach(lane -> reports.add(lane.report())));
    }
    for (DestinationReport r : reports) {
      LOG.info(
          "activation tenant={} destination={} matched={} excluded_by_consent={} delivered={}"
              + " dead_lettered={} retries={}",
          r.tenant(),
          r.destination(),
          r.matched(),
          r.excludedByConsent(),
          r.delivered(),
          r.deadLettered(),
          r.retries());
    }
    return new PublishReport(events.size(), unmatched, reports);
  }

  private Optional<Tenant> open(String tenantId) {
    Optional<TenantConfig> tenant = config.tenant(tenantId);
    if (tenant.isEmpty()) {
      LOG.warn("activation events of unknown tenant {} were not delivered", tenantId);
      return Optional.empty();
    }
    List<DestinationConfig> destinations = tenant.get().activationDestinations();
    Map<String, Lane> lanes = new LinkedHashMap<>();
    for (DestinationConfig d : destinations) {
      lanes.put(
          d.id(),
          new Lane(
              tenantId,
              d,
              deliverer(tenantId, d),
              new DeadLetters(deadLetterFile(tenantId, d.id()), tenantId, d.id(), clock)));
    }
    return Optional.of(new Tenant(new DestinationMatcher(destinations), lanes));
  }

  private Deliverer deliverer(String tenant, DestinationConfig d) {
    if (d.destinationType() == DestinationType.FILE) {
      return new FileSink(sinkFile(tenant, d.id()));
    }
    String secret;
    try {
      secret = secrets.secret(d.secretRef());
    } catch (RuntimeException e) {
      String reason = "signing secret unavailable: " + e.getMessage();
      LOG.warn("activation tenant={} destination={}: {}", tenant, d.id(), reason);
      return new Unavailable(reason);
    }
    return new WebhookDeliverer(
        URI.create(d.url()),
        secret,
        Duration.ofMillis(d.timeoutMillisOrDefault()),
        d.maxAttemptsOrDefault(),
        d.backoffOrDefault(),
        clock,
        tls);
  }

  private static byte[] body(Lane lane, ObjectNode envelope) {
    try {
      return JSON.writeValueAsBytes(lane.mapping.apply(envelope));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written as JSON", e);
    }
  }

  private record Tenant(DestinationMatcher matcher, Map<String, Lane> lanes) {
    void close() {
      lanes.values().forEach(Lane::close);
    }
  }

  /** A destination that cannot be served (its secret is missing): every delivery dead-letters. */
  private record Unavailable(String reason) implements Deliverer {
    @Override
    public Outcome deliver(Delivery delivery) {
      return Outcome.failed(0, 0, reason);
    }

    @Override
    public void close() {}
  }
}
