package io.meridian.cdp.local.activation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.EventPublisher;
import io.meridian.cdp.activation.EventPublisherContractTest;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The local bus passes the publisher contract; its destination is a file sink. */
class LocalEventBusContractTest extends EventPublisherContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  private LocalEventBus bus;

  @Override
  protected EventPublisher publisher() throws Exception {
    DestinationConfig sink =
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
            null);
    bus =
        new LocalEventBus(
            new CdpConfig(
                1,
                List.of(
                    new TenantConfig(
                        "acme", "Acme", null, null, List.of(), null, null, null, List.of(sink)))),
            data,
            new LocalSecretStore(data.resolve("secrets"), Map.of()),
            Duration.ofMinutes(1));
    return bus;
  }

  @Override
  protected List<JsonNode> received(int expected) throws Exception {
    // publish() returns after delivery, so the file is complete.
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(bus.sinkFile("acme", "sink"))) {
      out.add(JSON.readTree(line));
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(expected);
    return out;
  }
}
