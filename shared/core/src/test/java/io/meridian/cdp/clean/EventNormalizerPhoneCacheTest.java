package io.meridian.cdp.clean;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The remembered phone normalization gives what a fresh libphonenumber parse gives. */
class EventNormalizerPhoneCacheTest {

  private static final List<String> REGIONS = List.of("US", "DE", "GB", "ZZ", "xx");

  @Test
  void cachedResultsEqualComputedOnes() {
    Random r = new Random(11);
    List<String> phones = new ArrayList<>();
    phones.addAll(
        List.of(
            "",
            " ",
            "not a phone",
            "+1 415 555 0100",
            "(415) 555-0100",
            "030 1234567",
            "+49 30 1234567",
            "020 7946 0018",
            "+44 20 7946 0018",
            "12",
            "+999 1234",
            "415-555-0100 ext. 12",
            "tel:+1-415-555-0100",
            "４１５５５５０１００"));
    for (int i = 0; i < 3 * EventNormalizer.PHONE_CACHE_SIZE; i++) {
      phones.add("(" + (200 + r.nextInt(800)) + ") 555-" + (1000 + r.nextInt(9000)));
    }
    // Twice over, so that the second pass reads what the first remembered, across clears.
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < phones.size(); i++) {
        String phone = phones.get(i);
        String region = REGIONS.get(i % REGIONS.size());
        assertThat(EventNormalizer.cachedNormalizePhone(phone, region))
            .as("%s in %s", phone, region)
            .isEqualTo(EventNormalizer.normalizePhone(phone, region));
      }
    }
  }

  @Test
  void theSamePhoneReadsDifferentlyByRegion() {
    assertThat(EventNormalizer.cachedNormalizePhone("030 1234567", "DE")).contains("+49301234567");
    assertThat(EventNormalizer.cachedNormalizePhone("030 1234567", "DE"))
        .isEqualTo(EventNormalizer.normalizePhone("030 1234567", "DE"));
    assertThat(EventNormalizer.cachedNormalizePhone("030 1234567", "US"))
        .isEqualTo(EventNormalizer.normalizePhone("030 1234567", "US"));
    assertThat(EventNormalizer.cachedNormalizePhone("(415) 555-0100", "US"))
        .contains("+14155550100");
  }
}
