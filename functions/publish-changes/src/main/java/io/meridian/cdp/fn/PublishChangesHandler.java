package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.type.TypeReference;
import io.meridian.cdp.activation.Consent;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishChanges;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.EventBridgeEventPublisher;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code PublishChanges} task of {@code statemachines/curate.asl.json}, after the segment
 * tasks: runs {@link PublishChanges} for the tenant of the input {@code {"tenant": "acme"}} — every
 * run's changes not yet published become {@code Segment Membership Changed} events (the traits and
 * identifiers each segment asks for, the profile's consent per purpose; changes of people on the
 * tenant's suppression list are dropped and counted) — on the activation EventBridge bus, whose
 * rules deliver them. Returns what it did as a JSON object.
 *
 * <p>The step's progress pointer advances only after the bus accepted every event: when PutEvents
 * still refuses entries after its retries, the task fails with {@link UncheckedIOException} (the
 * state machine retries it) and the next attempt publishes the same events with the same {@code
 * detail.event_id} (at-least-once; receivers de-duplicate). An input without a valid tenant throws
 * {@link IllegalArgumentException} (not retried).
 *
 * <p>Consent exclusions are counted here, since on AWS a destination's rule simply does not match a
 * refusal (ADR 0033): for each consent purpose the tenant's deployed destinations declare, the
 * result's {@code excludedByConsent} counts the published events whose {@code detail.consent} says
 * {@code false} for it — what every destination of that purpose left out, among the events its
 * pattern matches.
 *
 * <p>Environment: {@code LAKE_BUCKET}, optionally {@code LAKE_KMS_KEY_ID}, {@code CONFIG_BUCKET},
 * {@code CONFIG_KEY}, {@code ACTIVATION_BUS}, {@code TENANT_SECRETS} (the privacy keys of the
 * suppression lists), optionally {@code CONSENT_PURPOSES} (tenant → purposes, JSON; set by the CDK
 * app from {@code cdp:destinations}), {@code AWS_REGION} (set by Lambda).
 */
public final class PublishChangesHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(PublishChangesHandler.class);

  private final CurateTask task;
  private final EventPublisher bus;
  private final Suppression suppression;
  private final Map<String, List<String>> consentPurposes;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public PublishChangesHandler() {
    this(
        CurateTask.fromEnvironment(),
        new EventBridgeEventPublisher(
            AwsEnvironment.eventBridge(), AwsEnvironment.require(AwsEnvironment.ACTIVATION_BUS)),
        consentPurposes(AwsEnvironment.optional(AwsEnvironment.CONSENT_PURPOSES).orElse("{}")));
  }

  private PublishChangesHandler(
      CurateTask task, EventPublisher bus, Map<String, List<String>> consentPurposes) {
    this(task, bus, AwsEnvironment.suppression(task.lake()), consentPurposes);
  }

  /**
   * @param bus the activation bus
   * @param suppression the tenants' suppression lists of erased people
   * @param consentPurposes tenant → the consent purposes its destinations declare
   */
  PublishChangesHandler(
      CurateTask task,
      EventPublisher bus,
      Suppression suppression,
      Map<String, List<String>> consentPurposes) {
    this.task = task;
    this.bus = bus;
    this.suppression = suppression;
    this.consentPurposes = Map.copyOf(consentPurposes);
  }

  /** Reads {@code CONSENT_PURPOSES}. */
  static Map<String, List<String>> consentPurposes(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, List<String>>>() {});
    } catch (IOException e) {
      throw new IllegalStateException(
          "environment variable CONSENT_PURPOSES is not a JSON object of tenant → purposes", e);
    }
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    TenantConfig tenant = task.begin(input, context);
    List<String> purposes = consentPurposes.getOrDefault(tenant.id(), List.of());
    Map<String, Long> refusals = new TreeMap<>(Consent.refusals(List.of(), purposes));
    EventPublisher counting =
        events -> {
          PublishReport report = allAccepted(bus).publish(events);
          Consent.refusals(events, purposes).forEach((p, n) -> refusals.merge(p, n, Long::sum));
          return report;
        };
    try {
      PublishChanges.Result r =
          new PublishChanges(task.store(), counting)
              .withSuppression(suppression)
              .run(tenant.id(), tenant.segmentDefinitions());
      LOG.info(
          "publish-changes {}: published up to snapshot {}, events {}, accepted {}, suppressed"
              + " {}, excluded by consent {}{}",
          r.tenant(),
          r.published(),
          r.events(),
          r.delivered(),
          r.suppressed(),
          refusals,
          r.noop() ? " (nothing new)" : "");
      Metrics.stage("publish")
          .count("ChangeEvents", r.events())
          .count("ChangesPublished", r.delivered())
          .count("ChangesSuppressed", r.suppressed())
          // events that refuse a purpose a deployed destination declares, summed over purposes
          .count("ConsentExclusions", refusals.values().stream().mapToLong(Long::longValue).sum())
          .publish();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("tenant", r.tenant());
      out.put("published", r.published());
      out.put("events", r.events());
      out.put("accepted", r.delivered());
      out.put("suppressed", r.suppressed());
      out.put("excludedByConsent", refusals);
      out.put("noop", r.noop());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("publish-changes for tenant " + tenant.id() + " failed", e);
    }
  }

  /**
   * The bus, failing a publish of which it refused any event: so that {@link PublishChanges} does
   * not advance its pointer past events that were never put on the bus.
   */
  static EventPublisher allAccepted(EventPublisher bus) {
    return events -> {
      PublishReport report = bus.publish(events);
      if (report.deadLettered() > 0) {
        throw new UncheckedIOException(
            new IOException(
                "the activation bus refused "
                    + report.deadLettered()
                    + " of "
                    + events.size()
                    + " events after retries; progress is kept, they are published again"));
      }
      return report;
    };
  }
}
