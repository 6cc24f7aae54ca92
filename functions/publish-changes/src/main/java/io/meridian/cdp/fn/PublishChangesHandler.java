package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.PublishChanges;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.aws.AwsEnvironment;
import io.meridian.cdp.aws.CurateTask;
import io.meridian.cdp.aws.EventBridgeEventPublisher;
import io.meridian.cdp.aws.telemetry.Metrics;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>Environment: {@code LAKE_BUCKET}, optionally {@code LAKE_KMS_KEY_ID}, {@code CONFIG_BUCKET},
 * {@code CONFIG_KEY}, {@code ACTIVATION_BUS}, {@code TENANT_SECRETS} (the privacy keys of the
 * suppression lists), {@code AWS_REGION} (set by Lambda).
 */
public final class PublishChangesHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private static final Logger LOG = LoggerFactory.getLogger(PublishChangesHandler.class);

  private final CurateTask task;
  private final EventPublisher bus;
  private final Suppression suppression;

  /** Builds the real adapters from the environment (Lambda calls this once per cold start). */
  public PublishChangesHandler() {
    this(
        CurateTask.fromEnvironment(),
        new EventBridgeEventPublisher(
            AwsEnvironment.eventBridge(), AwsEnvironment.require(AwsEnvironment.ACTIVATION_BUS)));
  }

  private PublishChangesHandler(CurateTask task, EventPublisher bus) {
    this(task, bus, AwsEnvironment.suppression(task.lake()));
  }

  /**
   * @param bus the activation bus
   * @param suppression the tenants' suppression lists of erased people
   */
  PublishChangesHandler(CurateTask task, EventPublisher bus, Suppression suppression) {
    this.task = task;
    this.bus = bus;
    this.suppression = suppression;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    TenantConfig tenant = task.begin(input, context);
    try {
      PublishChanges.Result r =
          new PublishChanges(task.store(), PublishChangesHandler.allAccepted(bus))
              .withSuppression(suppression)
              .run(tenant.id(), tenant.segmentDefinitions());
      LOG.info(
          "publish-changes {}: published up to snapshot {}, events {}, accepted {}, suppressed"
              + " {}{}",
          r.tenant(),
          r.published(),
          r.events(),
          r.delivered(),
          r.suppressed(),
          r.noop() ? " (nothing new)" : "");
      Metrics.stage("publish")
          .count("ChangeEvents", r.events())
          .count("ChangesPublished", r.delivered())
          .count("ChangesSuppressed", r.suppressed())
          .publish();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("tenant", r.tenant());
      out.put("published", r.published());
      out.put("events", r.events());
      out.put("accepted", r.delivered());
      out.put("suppressed", r.suppressed());
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
