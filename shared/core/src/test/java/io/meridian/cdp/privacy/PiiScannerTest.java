package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.event.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class PiiScannerTest {
  private final PiiScanner scanner = new PiiScanner(new PiiDetector("US"));

  @Test
  void reportsFindingsByPathAndKindWithMaskedValuesOnly() throws Exception {
    String doc =
        """
        {"properties": {"note": "mail alice@example.com or call (415) 555-0132",
                        "items": [{"comment": "ok"}, {"comment": "card 4111 1111 1111 1111"}],
                        "total": 42.5, "card_number": 4111111111111111,
                        "odd key": "from 203.0.113.7"},
         "traits": {"alice@example.com": true}}
        """;
    List<PiiFinding> findings = scanner.scan(Json.MAPPER.readTree(doc));
    assertThat(findings)
        .containsExactly(
            new PiiFinding("$.properties.note", PiiKind.EMAIL, "a***@e***.com"),
            new PiiFinding("$.properties.note", PiiKind.PHONE, "(***2"),
            new PiiFinding("$.properties.items[1].comment", PiiKind.PAYMENT_CARD, "4***1"),
            new PiiFinding("$.properties.card_number", PiiKind.PAYMENT_CARD, "4***1"),
            new PiiFinding("$.properties['odd key']", PiiKind.IP_ADDRESS, "2***7"),
            new PiiFinding("$.traits.{key}", PiiKind.EMAIL, "a***@e***.com"));
    assertThat(findings.toString()).doesNotContain("alice", "555-0132", "1111 1111", "113");
  }

  @Test
  void skipsDeclaredPathsAndCountsByKind() throws Exception {
    var doc =
        Json.MAPPER.readTree(
            "{\"traits\": {\"email\": \"a@example.com\", \"bio\": \"ask b@example.com or"
                + " c@example.com\"}, \"context\": {\"ip\": \"203.0.113.7\"}}");

    List<PiiFinding> findings = scanner.scan(doc, java.util.Set.of("$.traits.email", "$.context"));

    assertThat(findings)
        .extracting(PiiFinding::path)
        .containsExactly("$.traits.bio", "$.traits.bio");
    assertThat(PiiScanner.countByKind(findings))
        .containsEntry(PiiKind.EMAIL, 2)
        .containsEntry(PiiKind.IP_ADDRESS, 0)
        .hasSize(PiiKind.values().length);
  }

  @Test
  void findsNothingInADocumentWithoutPersonalData() throws Exception {
    assertThat(
            scanner.scan(
                Json.MAPPER.readTree(
                    "{\"order_id\": \"ORD-20261124-4471\", \"version\": \"1.2.3.4\","
                        + " \"ts\": 1763942400000, \"price\": \"$1,234.56\"}")))
        .isEmpty();
  }
}
