package io.meridian.cdp.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentifierExtractorTest {

  private static IdentityEvent event(
      String userId, String anonymousId, String traits, String context) {
    return new IdentityEvent(
        "m1",
        "identify",
        null,
        userId,
        anonymousId,
        null,
        Instant.EPOCH,
        Instant.EPOCH,
        null,
        traits,
        context);
  }

  private static List<String> values(IdentityRules rules, IdentifierExtractor x, IdentityEvent e) {
    return x.extract(e).stream()
        .map(i -> rules.identifiers().get(i.type()).type() + "=" + i.value())
        .toList();
  }

  @Test
  void readsEveryDefaultSourceHighestPriorityFirst() {
    IdentityRules rules = IdentityRules.defaults();
    IdentifierExtractor x = new IdentifierExtractor(rules, "US");
    IdentityEvent e =
        event(
            "u-1",
            "a-1",
            "{\"email\":\"  Ann@Example.COM \",\"phone\":\"(415) 555-2671\"}",
            "{\"traits\":{\"email\":\"ann@example.com\"}}");
    assertEquals(
        List.of("user_id=u-1", "email=ann@example.com", "phone=+14155552671", "anonymous_id=a-1"),
        values(rules, x, e));
  }

  @Test
  void refusesUnusableValuesAndCountsThemByReason() {
    IdentityRules rules = new IdentityRules(null, List.of("guest-user"), 40, null);
    IdentifierExtractor x = new IdentifierExtractor(rules, "US");
    String traits = "{\"email\":\"test@test.com\",\"phone\":12345}";
    assertEquals(List.of(), values(rules, x, event("undefined", "00000000-0000", traits, null)));
    assertEquals(
        List.of(),
        values(rules, x, event("   ", "x".repeat(41), "{\"email\":\"john.gmail.com\"}", null)));
    assertEquals(
        List.of(), values(rules, x, event("GUEST-USER", "null", "{\"phone\":\"12\"}", null)));
    assertEquals(
        Map.of(
            "user_id/blocked", 2L,
            "user_id/empty", 1L,
            "anonymous_id/blocked", 2L,
            "anonymous_id/too_long", 1L,
            "email/blocked", 1L,
            "email/invalid_email", 1L,
            "phone/not_a_string", 1L,
            "phone/invalid_phone", 1L),
        x.refused());
  }

  @Test
  void gmailRuleFoldsDotsAndTagsOnlyWhenConfigured() {
    assertEquals(
        "janedoe@gmail.com",
        IdentifierExtractor.normalizeEmail("jane.doe+shop@googlemail.com", List.of("gmail")));
    assertEquals(
        "jane.doe@work.com",
        IdentifierExtractor.normalizeEmail("jane.doe+x@work.com", List.of("plus_tags")));
    assertEquals(
        "jane.doe+x@gmail.com",
        IdentifierExtractor.normalizeEmail("jane.doe+x@gmail.com", List.of()));
  }

  @Test
  void customTypesComeFromPathsAndExternalIds() {
    IdentityRules rules =
        new IdentityRules(
            List.of(
                new IdentityRules.IdentifierRule(
                    "crm_id", 1, List.of("traits.crm.id"), List.of("lowercase")),
                new IdentityRules.IdentifierRule("anonymous_id", 20, null, null)),
            null,
            null,
            null);
    IdentifierExtractor x = new IdentifierExtractor(rules, "US");
    IdentityEvent e =
        event(
            null,
            "a-1",
            "{\"crm\":{\"id\":\"CRM-9\"}}",
            "{\"externalIds\":[{\"id\":\"crm-10\",\"type\":\"crm_id\",\"collection\":\"users\"},"
                + "{\"id\":\"ignored\",\"type\":\"undeclared\"}]}");
    List<Identifier> ids = x.extract(e);
    assertEquals(List.of("crm_id=crm-9", "crm_id=crm-10", "anonymous_id=a-1"), values(rules, x, e));
    assertEquals(3, ids.size());
  }
}
