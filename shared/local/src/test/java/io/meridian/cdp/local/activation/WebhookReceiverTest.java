package io.meridian.cdp.local.activation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.PublishReport;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookReceiverTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  private PublishReport publishTo(String url, String secret) throws Exception {
    DestinationConfig hook =
        new DestinationConfig(
            "demo",
            "webhook",
            JSON.readTree("{\"source\": [\"meridian.cdp\"]}"),
            null,
            null,
            url,
            "env:SECRET",
            null,
            2,
            new Backoff(1, 5),
            null);
    return new LocalEventBus(
            new CdpConfig(
                1,
                List.of(
                    new TenantConfig(
                        "acme", "Acme", null, null, List.of(), null, null, null, List.of(hook)))),
            data,
            new LocalSecretStore(data.resolve("secrets"), Map.of("SECRET", secret)),
            Duration.ofMinutes(1))
        .publish(
            List.of(
                MembershipChangeEvents.of(
                    "acme",
                    "vip",
                    "VIP",
                    "p-1",
                    "entered",
                    Instant.parse("2026-11-24T10:00:00Z"),
                    "run-1",
                    null,
                    null,
                    null)));
  }

  @Test
  void acceptsAndRecordsDeliveriesSignedWithItsSecret() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0, "whsec_demo", null)) {
      PublishReport report = publishTo(receiver.url(), "whsec_demo");

      assertThat(report.delivered()).isEqualTo(1);
      WebhookReceiver.Delivery d = receiver.received().get(0);
      assertThat(d.signatureValid()).isTrue();
      assertThat(d.attempt()).isEqualTo(1);
      assertThat(d.body().at("/detail/profile_id").asText()).isEqualTo("p-1");
      assertThat(d.eventId()).isEqualTo(d.body().at("/detail/event_id").asText());
    }
  }

  @Test
  void refusesDeliveriesSignedWithAnotherSecret() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(0, "whsec_demo", null)) {
      PublishReport report = publishTo(receiver.url(), "whsec_other");

      assertThat(report.deadLettered()).isEqualTo(1);
      assertThat(receiver.received())
          .extracting(WebhookReceiver.Delivery::signatureValid)
          .containsOnly(false);
    }
  }
}
