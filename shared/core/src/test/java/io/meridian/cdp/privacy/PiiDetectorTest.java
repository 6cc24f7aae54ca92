package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PiiDetectorTest {
  private final PiiDetector detector = new PiiDetector("US");

  private List<PiiKind> kinds(String text) {
    return detector.detect(text).stream().map(PiiMatch::kind).toList();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "write to alice.smith+news@mail.example.org today | EMAIL",
        "call (415) 555-0132 after six | PHONE",
        "+44 20 7946 0018 | PHONE",
        "4111 1111 1111 1111 | PAYMENT_CARD",
        "3782-822463-10005 | PAYMENT_CARD",
        "5555555555554444 | PAYMENT_CARD",
        "DE89 3704 0044 0532 0130 00 | IBAN",
        "GB82WEST12345698765432 | IBAN",
        "ssn 123-45-6789 | US_SSN",
        "AB 12 34 56 C | UK_NINO",
        "from 203.0.113.7 | IP_ADDRESS",
        "from 2001:db8::8a2e:370:7334 | IP_ADDRESS",
        "::ffff:192.0.2.1 | IP_ADDRESS"
      })
  void findsEachKind(String text, PiiKind kind) {
    assertThat(kinds(text)).containsExactly(kind);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111 1111 1111 1112", // fails Luhn
        "7111111111111111111", // Luhn-valid (19 digits) but no known issuer
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "123-00-4567",
        "123-45-0000",
        "078-05-1120",
        "DE00 3704 0044 0532 0130 00", // mod-97 fails
        "DE89 3704 0044 0532 0130", // too short for DE
        "BG 12 34 56 A", // prefix never allocated
        "QQ 12 34 56 C", // HMRC's specimen: Q is never a first letter
        "version 1.2.3.4",
        "v10.0.19045.3803",
        "256.1.1.1",
        "01.02.03.04",
        "10:22:31",
        "00:1a:2b:3c:4d:5e",
        "lodash@4.17.21",
        "order 12345678",
        "1700000000000",
        "ISBN 978-0-306-40615-7",
        "550e8400-e29b-41d4-a716-446655440000"
      })
  void ignoresLookAlikes(String text) {
    assertThat(kinds(text)).isEmpty();
  }

  @Test
  void readsADottedQuadInAVersionFieldAsAVersion() {
    assertThat(detector.detect("1.2.3.4", "app_version")).isEmpty();
    assertThat(detector.detect("1.2.3.4", "client_ip"))
        .extracting(PiiMatch::kind)
        .containsExactly(PiiKind.IP_ADDRESS);
  }

  @Test
  void keepsTheMoreSpecificKindWhereCandidatesOverlap() {
    // The digits of a card number are also a run libphonenumber could read; the card wins.
    assertThat(kinds("card 4111111111111111 and mail 4155550132@example.com"))
        .containsExactly(PiiKind.PAYMENT_CARD, PiiKind.EMAIL);
  }

  @Test
  void reportsPositionsInTheText() {
    String text = "mail bob@example.com now";
    PiiMatch m = detector.detect(text).get(0);
    assertThat(text.substring(m.start(), m.end())).isEqualTo("bob@example.com");
  }

  @Test
  void readsNumbersWithoutACountryCodeInTheDefaultRegion() {
    assertThat(new PiiDetector("GB").detect("020 7946 0018"))
        .extracting(PiiMatch::kind)
        .containsExactly(PiiKind.PHONE);
    assertThat(new PiiDetector("US").detect("020 7946 0018")).isEmpty();
  }

  @Test
  void refusesAnUnknownRegion() {
    assertThatThrownBy(() -> new PiiDetector("XX"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown phone region 'XX': use an ISO 3166 code such as US or GB");
  }
}
