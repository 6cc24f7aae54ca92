package io.meridian.cdp.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityGraphTest {
  private static final IdentityRules RULES = IdentityRules.defaults();
  private final IdentityGraph graph = new IdentityGraph("acme", RULES);
  private final IdentifierExtractor extractor = new IdentifierExtractor(RULES, "US");
  private long clock = 1_000_000;

  private String send(String messageId, String userId, String anonymousId, String traits) {
    return sendCall(messageId, "identify", userId, anonymousId, null, traits);
  }

  private String sendCall(
      String messageId,
      String type,
      String userId,
      String anonymousId,
      String previousId,
      String traits) {
    clock += 1_000;
    IdentityEvent e =
        new IdentityEvent(
            messageId,
            type,
            null,
            userId,
            anonymousId,
            previousId,
            Instant.ofEpochSecond(clock),
            Instant.ofEpochSecond(clock),
            null,
            traits,
            null);
    List<Identifier> ids = extractor.extract(e);
    return graph.link(ids, messageId, type, clock * 1_000_000, clock * 1_000_000);
  }

  @Test
  void anonymousBrowsingThenLoginKeepsTheAnonymousProfileId() {
    String anonymous = sendCall("m1", "page", null, "anon-1", null, null);
    String identified = send("m2", "u-1", "anon-1", "{\"email\":\"Ann@Example.com\"}");
    assertEquals(anonymous, identified, "the profile id never changes when identifiers are added");
    assertEquals(anonymous, graph.profileOf(RULES.indexOf("email"), "ann@example.com"));
    assertTrue(graph.merges().isEmpty(), "adding identifiers is not a merge");
  }

  @Test
  void twoProfilesMergeIntoTheOlderAndTheMergeIsRecorded() {
    String older = sendCall("m1", "page", null, "laptop", null, null);
    String younger = send("m2", "u-1", "phone-app", null);
    assertNotEquals(older, younger);
    String merged = send("m3", "u-1", "laptop", null);
    assertEquals(older, merged, "the earliest created profile survives");
    assertEquals(older, graph.profileOf(RULES.indexOf("anonymous_id"), "phone-app"));
    assertEquals(1, graph.merges().size());
    IdentityGraph.Merge m = graph.merges().get(0);
    assertEquals(younger, m.fromProfileId());
    assertEquals(older, m.intoProfileId());
    assertEquals("identify", m.rule());
    assertEquals("m3", m.messageId());
    assertEquals(1, graph.profileCount());
  }

  @Test
  void profilesWithDifferentUserIdsAreNeverMerged() {
    String a = send("m1", "u-1", "shared-device", null);
    String b = send("m2", "u-2", "shared-device", null);
    assertNotEquals(a, b, "a second user_id never joins a profile");
    assertEquals(a, graph.profileOf(RULES.indexOf("anonymous_id"), "shared-device"));
    assertEquals(b, graph.profileOf(RULES.indexOf("user_id"), "u-2"));
    assertEquals(1, graph.blocks().size());
    assertEquals("user_id limit 1", graph.blocks().get(0).rule());
    // the same pair is recorded once
    send("m3", "u-2", "shared-device", null);
    assertEquals(1, graph.blocks().size());
    assertTrue(graph.merges().isEmpty());
  }

  @Test
  void aNewUserOnASharedDeviceTakesTheirEmailProfileAwayFromTheDeviceOwner() {
    sendCall("m1", "page", null, "tablet", null, null);
    String owner = send("m2", "u-owner", "tablet", null);
    String newsletter = send("m3", null, "laptop", "{\"email\":\"ann@example.com\"}");
    String ann = send("m4", "u-ann", "tablet", "{\"email\":\"ann@example.com\"}");
    assertEquals(newsletter, ann, "Ann's login joins the profile of her email, the older one");
    assertEquals(ann, graph.profileOf(RULES.indexOf("user_id"), "u-ann"));
    assertEquals(ann, graph.profileOf(RULES.indexOf("anonymous_id"), "laptop"));
    assertEquals(owner, graph.profileOf(RULES.indexOf("anonymous_id"), "tablet"));
    assertEquals(owner, graph.profileOf(RULES.indexOf("user_id"), "u-owner"));
    assertEquals(1, graph.blocks().size());
    assertEquals("user_id limit 1", graph.blocks().get(0).rule());
    assertEquals(2, graph.profileCount());
  }

  @Test
  void aKioskSeenWithHundredsOfUsersDoesNotCollapseThem() {
    Set<String> profiles = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      profiles.add(send("k" + i, "user-" + i, "kiosk-7", "{\"email\":\"p" + i + "@shop.com\"}"));
    }
    assertEquals(300, profiles.size());
    assertEquals(300, graph.profileCount());
    for (int i = 0; i < 300; i++) {
      assertEquals(
          graph.profileOf(RULES.indexOf("user_id"), "user-" + i),
          graph.profileOf(RULES.indexOf("email"), "p" + i + "@shop.com"),
          "each user keeps their own email");
    }
  }

  @Test
  void aDeviceSeenWithASecondUserIsSharedAndDecidesNoEventFromThenOn() {
    send("m1", "u-1", "tablet", null);
    send("m2", "u-1", "laptop", null);
    int anonymous = RULES.indexOf("anonymous_id");
    assertFalse(graph.isShared(anonymous, "tablet"));
    send("m3", "u-2", "tablet", null);
    assertTrue(graph.isShared(anonymous, "tablet"), "seen with a user it could not join");
    assertFalse(graph.isShared(anonymous, "laptop"));
    assertFalse(graph.isShared(RULES.indexOf("user_id"), "u-2"), "the deciding identifier is not");
    assertEquals(
        graph.profileOf(RULES.indexOf("user_id"), "u-1"),
        graph.profileOf(anonymous, "tablet"),
        "the device stays in the graph with its first profile");
    assertTrue(graph.nodes().stream().anyMatch(n -> n.identifier().equals("tablet") && n.shared()));
  }

  @Test
  void anAliasLinksThePreviousAnonymousId() {
    String anonymous = sendCall("m1", "track", null, "anon-9", null, null);
    String user = send("m2", "u-9", "anon-10", null);
    String after = sendCall("m3", "alias", "u-9", null, "anon-9", null);
    assertEquals(anonymous, after);
    assertEquals(anonymous, graph.profileOf(RULES.indexOf("user_id"), "u-9"));
    assertEquals("alias", graph.merges().get(0).rule());
    assertEquals(user, graph.merges().get(0).fromProfileId());
  }

  @Test
  void emailLimitSplitsInsteadOfGrowingWithoutBound() {
    IdentityRules rules =
        new IdentityRules(
            List.of(
                new IdentityRules.IdentifierRule("email", 2, null, null),
                new IdentityRules.IdentifierRule("anonymous_id", 20, null, null)),
            null,
            null,
            null);
    IdentityGraph g = new IdentityGraph("acme", rules);
    IdentifierExtractor x = new IdentifierExtractor(rules, "US");
    Set<String> profiles = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      IdentityEvent e =
          new IdentityEvent(
              "m" + i,
              "identify",
              null,
              null,
              "device",
              null,
              Instant.ofEpochSecond(i),
              Instant.ofEpochSecond(i),
              null,
              "{\"email\":\"e" + i + "@x.com\"}",
              null);
      profiles.add(g.link(x.extract(e), "m" + i, "identify", i, i));
    }
    assertEquals(2, profiles.size(), "the third email starts a profile of its own");
    assertEquals(1, g.blocks().size());
    assertEquals("email limit 2", g.blocks().get(0).rule());
  }

  @Test
  void profileIdsAreReproducibleAndRevealNothing() {
    String id = IdentityGraph.profileIdOf("acme", "m1", "email", "ann@example.com");
    assertEquals(id, IdentityGraph.profileIdOf("acme", "m1", "email", "ann@example.com"));
    assertNotEquals(id, IdentityGraph.profileIdOf("globex", "m1", "email", "ann@example.com"));
    assertTrue(id.matches("p_[0-9a-f]{20}"), id);
  }

  @Test
  void eventsWithoutIdentifiersBelongToNoProfile() {
    assertEquals(null, graph.link(List.of(), "m1", "track", 0, 0));
    assertEquals(Map.of(), graph.profiles());
  }
}
