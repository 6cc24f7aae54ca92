package io.meridian.cdp.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.cdp.identity.SyntheticTenant.Dataset;
import io.meridian.cdp.identity.SyntheticTenant.Scenario;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticTenantTest {
  private static List<String> render(Dataset d) {
    List<String> out = new ArrayList<>();
    for (IdentityEvent e : d.events()) {
      out.add(
          String.join(
              "|",
              e.messageId(),
              e.type(),
              String.valueOf(e.userId()),
              String.valueOf(e.anonymousId()),
              String.valueOf(e.previousId()),
              e.receivedAt().toString(),
              String.valueOf(e.traits()),
              String.valueOf(d.personOf().get(e.messageId()))));
    }
    return out;
  }

  @Test
  void aFixedSeedGivesTheSameTenantAndAnotherSeedAnother() {
    Dataset a = SyntheticTenant.generate(3_000, 42);
    Dataset b = SyntheticTenant.generate(3_000, 42);
    assertEquals(render(a), render(b));
    assertEquals(a.scenarioEvents(), b.scenarioEvents());
    assertNotEquals(render(a), render(SyntheticTenant.generate(3_000, 43)));
  }

  @Test
  void containsEveryScenarioInCanonicalOrderWithATruthForEachEvent() {
    Dataset d = SyntheticTenant.generate(6_000, 7);
    for (Scenario s : Scenario.values()) {
      assertTrue(d.scenarioEvents().getOrDefault(s, 0) > 0, "no event of scenario " + s);
    }
    assertEquals(d.events().size(), d.personOf().size(), "message ids are unique");
    assertEquals(6, d.bots());
    Comparator<IdentityEvent> canonical =
        Comparator.comparing(IdentityEvent::receivedAt).thenComparing(IdentityEvent::messageId);
    for (int i = 1; i < d.events().size(); i++) {
      assertTrue(canonical.compare(d.events().get(i - 1), d.events().get(i)) < 0);
    }
    List<String> traits = d.events().stream().map(e -> String.valueOf(e.traits())).toList();
    assertTrue(
        traits.stream().anyMatch(t -> t.matches(".*\"phone\":\"\\(\\d{3}\\) \\d{3}-\\d{4}\".*")));
    assertTrue(
        traits.stream().anyMatch(t -> t.matches(".*\"phone\":\"\\d{3}\\.\\d{3}\\.\\d{4}\".*")));
    assertTrue(
        traits.stream().anyMatch(t -> t.matches(".*\"phone\":\"\\+1 \\d{3} \\d{3} \\d{4}\".*")));
    assertTrue(traits.stream().anyMatch(t -> t.contains("\"email\":\"  ")));
    assertTrue(traits.stream().anyMatch(t -> t.contains("@gmial\"")));
    assertTrue(traits.stream().anyMatch(t -> t.contains("test@test.com")));
    assertTrue(
        d.events().stream()
            .anyMatch(e -> "undefined".equals(e.userId()) || "null".equals(e.userId())));
    assertTrue(
        d.events().stream().anyMatch(e -> SyntheticTenant.ZERO_DEVICE.equals(e.anonymousId())));
    assertTrue(
        d.events().stream().anyMatch(e -> e.type().equals("alias") && e.previousId() != null));
  }
}
