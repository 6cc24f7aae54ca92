package io.meridian.cdp.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.LakeLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lake-backed index (local mode), held to the contract its DynamoDB twin also passes. */
class ObjectStoreDedupIndexTest extends DedupIndexContract {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @Override
  protected DedupIndex index() {
    return new ObjectStoreDedupIndex(store, 7);
  }

  @Test
  void claimsInAUnitCountAtOnceAndAreStoredTogetherWhenTheUnitCommits() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    assertEquals(Set.of(), index.claimInUnit("acme", DAY, "u1", "u1.c0", List.of("m1", "m2")));
    assertEquals(Set.of(), index.claimInUnit("acme", DAY, "u1", "u1.c1", List.of("m3")));
    // at once for this index, not yet in the lake
    assertEquals(Set.of("m1"), index.claim("acme", DAY, "other", List.of("m1")));
    assertEquals(
        Set.of(), new ObjectStoreDedupIndex(store, 7).claim("acme", DAY, "x", List.of("m3")));

    index.commitUnit("acme", DAY, "u1");
    assertEquals(1, store.list(LakeLayout.dedupUnitKey("acme", DAY, "u1")).size());
    ObjectStoreDedupIndex restarted = new ObjectStoreDedupIndex(store, 7);
    assertEquals(Set.of("m1", "m2"), restarted.claim("acme", DAY, "y", List.of("m1", "m2", "m9")));
    // each owner of the unit still gets its own claims back
    assertEquals(Set.of(), restarted.claimInUnit("acme", DAY, "u1", "u1.c0", List.of("m1", "m2")));
    assertEquals(Set.of("m2"), restarted.claimInUnit("acme", DAY, "u1", "u1.c1", List.of("m2")));
  }

  @Test
  void aUnitConvertedAgainStoresItsLastClaimsOnce() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claimInUnit("acme", DAY, "u1", "u1.c0", List.of("m1", "m2"));
    // the conversion failed before its commit and runs again
    index.claimInUnit("acme", DAY, "u1", "u1.c0", List.of("m1", "m2"));
    index.commitUnit("acme", DAY, "u1");
    index.commitUnit("acme", DAY, "u1"); // nothing left to store

    String text =
        new String(
            store.get(LakeLayout.dedupUnitKey("acme", DAY, "u1")).orElseThrow(),
            StandardCharsets.UTF_8);
    assertEquals("u1.c0 2\nm1\nm2\n", text);
    assertEquals(
        Set.of("m1", "m2"),
        new ObjectStoreDedupIndex(store, 7).claim("acme", DAY, "b", List.of("m1", "m2", "m3")));
  }

  @Test
  void idsWithLineBreaksAndBackslashesSurviveTheUnitObject() throws IOException {
    List<String> ids = List.of("a\nb", "c\\d", "e\\nf", "\\", "\n", "plain");
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claimInUnit("acme", DAY, "u1", "u1.c0", ids);
    index.claimInUnit("acme", DAY, "u1", "u1.c1", List.of("last"));
    index.commitUnit("acme", DAY, "u1");

    ObjectStoreDedupIndex restarted = new ObjectStoreDedupIndex(store, 7);
    Set<String> all = new java.util.HashSet<>(ids);
    all.add("last");
    assertEquals(all, restarted.claim("acme", DAY, "b", all));
    // the pieces of an escaped id are no ids of their own
    assertEquals(Set.of(), restarted.claim("acme", DAY, "c", List.of("a", "b", "n", "e\\", "f")));
  }

  @Test
  void aDamagedUnitObjectIsReportedNotMisread() throws IOException {
    store.put(
        LakeLayout.dedupUnitKey("acme", DAY, "u1"),
        "u1.c0 3\nm1\n".getBytes(StandardCharsets.UTF_8));
    assertThrows(
        IOException.class,
        () -> new ObjectStoreDedupIndex(store, 7).claim("acme", DAY, "b", List.of("m1")));
  }

  @Test
  void movingBackToAnEarlierDayReloadsItsClaimsFromTheLake() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claim("acme", DAY, "a", List.of("m1"));
    // only the window around the day being converted is held in memory
    index.claim("acme", DAY.plusDays(20), "b", List.of("m5"));
    assertEquals(Set.of("m1"), index.claim("acme", DAY.plusDays(1), "c", List.of("m1")));
  }
}
