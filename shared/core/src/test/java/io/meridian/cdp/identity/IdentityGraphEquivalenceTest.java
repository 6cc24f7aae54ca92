package io.meridian.cdp.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The primitive-array graph (dictionary-encoded identifiers, union-find over int arrays) gives
 * exactly what the object-based graph it replaced gives ({@link ReferenceIdentityGraph}, its code
 * before ADR 0024): the same profile per event, the same identifiers, profiles, merges, refused
 * links and shared marks, on random traffic dense enough that every limit binds, through both the
 * list and the byte-slice entry points.
 */
class IdentityGraphEquivalenceTest {

  private static IdentityRules tightRules() {
    return new IdentityRules(
        List.of(
            new IdentityRules.IdentifierRule("user_id", 1, null, null),
            new IdentityRules.IdentifierRule("email", 2, null, null),
            new IdentityRules.IdentifierRule("phone", 1, null, null),
            new IdentityRules.IdentifierRule("anonymous_id", 3, null, null)),
        null,
        null,
        null);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomTrafficGivesTheSameGraphAsTheReference(long seed) {
    Random r = new Random(seed);
    IdentityRules rules = seed % 2 == 0 ? IdentityRules.defaults() : tightRules();
    IdentityGraph graph = new IdentityGraph("acme", rules);
    ReferenceIdentityGraph reference = new ReferenceIdentityGraph("acme", rules);
    IdentityGraph.Ids holder = new IdentityGraph.Ids();
    int pool = 50 + r.nextInt(400);
    long clock = 1_000_000;
    for (int e = 0; e < 4_000; e++) {
      Set<Identifier> set = new LinkedHashSet<>();
      int k = 1 + r.nextInt(4);
      for (int i = 0; i < k; i++) {
        int type = r.nextInt(rules.identifiers().size());
        // values with multi-byte characters too; a few received in the same microsecond
        set.add(new Identifier(type, "v" + r.nextInt(pool) + (r.nextInt(20) == 0 ? "é€" : "")));
      }
      List<Identifier> ids = new ArrayList<>(set);
      ids.sort((a, b) -> Integer.compare(a.type(), b.type()));
      clock += r.nextInt(3);
      String messageId = "m" + e;
      String expected = reference.link(ids, messageId, "track", clock, clock);
      String actual;
      if (r.nextBoolean()) {
        actual = graph.link(ids, messageId, "track", clock, clock);
      } else {
        holder.clear();
        for (Identifier id : ids) {
          byte[] utf8 = ("xx" + id.value()).getBytes(StandardCharsets.UTF_8);
          holder.add(id.type(), utf8, 2, utf8.length - 2);
        }
        graph.prefetch(holder); // reads only: the result must not change
        byte[] message = ("[" + messageId + "]").getBytes(StandardCharsets.UTF_8);
        actual =
            graph.profileId(
                graph.link(holder, message, 1, message.length - 2, "track", clock, clock));
      }
      assertEquals(expected, actual, "event " + e);
      Identifier first = ids.get(0);
      assertEquals(reference.isShared(first.type(), first.value()), graph.lastDecidingShared());
    }
    assertEquals(reference.identifierCount(), graph.identifierCount());
    assertEquals(reference.profileCount(), graph.profileCount());
    assertEquals(reference.profiles(), graph.profiles());
    assertEquals(reference.merges().size(), graph.merges().size());
    for (int i = 0; i < graph.merges().size(); i++) {
      ReferenceIdentityGraph.Merge m = reference.merges().get(i);
      assertEquals(
          new IdentityGraph.Merge(
              m.fromProfileId(),
              m.intoProfileId(),
              m.rule(),
              m.identifierType(),
              m.identifier(),
              m.messageId(),
              m.mergedAtMicros()),
          graph.merges().get(i));
    }
    assertEquals(reference.blocks().size(), graph.blocks().size());
    for (int i = 0; i < graph.blocks().size(); i++) {
      ReferenceIdentityGraph.Block b = reference.blocks().get(i);
      assertEquals(
          new IdentityGraph.Block(
              b.profileId(),
              b.otherProfileId(),
              b.rule(),
              b.identifierType(),
              b.identifier(),
              b.messageId(),
              b.blockedAtMicros()),
          graph.blocks().get(i));
    }
    List<ReferenceIdentityGraph.Node> expectedNodes = reference.nodes();
    List<IdentityGraph.Node> nodes = graph.nodes();
    assertEquals(expectedNodes.size(), nodes.size());
    boolean anyShared = false;
    for (int i = 0; i < nodes.size(); i++) {
      ReferenceIdentityGraph.Node n = expectedNodes.get(i);
      assertEquals(
          new IdentityGraph.Node(
              n.identifierType(),
              n.identifier(),
              n.profileId(),
              n.firstSeenMicros(),
              n.lastSeenMicros(),
              n.shared()),
          nodes.get(i));
      anyShared |= n.shared();
      int type = rules.indexOf(n.identifierType());
      assertEquals(
          reference.profileOf(type, n.identifier()), graph.profileOf(type, n.identifier()));
    }
    assertTrue(anyShared, "the traffic exercises shared identifiers");
    assertTrue(
        !graph.blocks().isEmpty() && !graph.merges().isEmpty(), "limits bind, merges happen");
  }
}
