package io.meridian.cdp.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meridian.cdp.lake.InMemoryObjectStore;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectStoreDedupIndexTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 1);
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @Test
  void aRepeatedIdWithinTheWindowIsADuplicateEvenAfterARestart() throws IOException {
    new ObjectStoreDedupIndex(store, 7).claim("acme", DAY, "a", List.of("m1", "m2"));

    ObjectStoreDedupIndex restarted = new ObjectStoreDedupIndex(store, 7);
    assertEquals(Set.of("m1"), restarted.claim("acme", DAY.plusDays(7), "b", List.of("m1", "m3")));
    assertEquals(Set.of("m3"), restarted.claim("acme", DAY, "c", List.of("m3")));
  }

  @Test
  void theSameOwnerGetsItsOwnClaimsBack() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claim("acme", DAY, "a", List.of("m1", "m2"));
    assertEquals(Set.of(), index.claim("acme", DAY, "a", List.of("m1", "m2")));
    assertEquals(
        Set.of(), new ObjectStoreDedupIndex(store, 7).claim("acme", DAY, "a", List.of("m2")));
  }

  @Test
  void idsOutsideTheWindowAreForgottenSoMemoryIsBoundedByTheWindow() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claim("acme", DAY, "a", List.of("m1"));
    assertEquals(Set.of(), index.claim("acme", DAY.plusDays(8), "b", List.of("m1")));
    // moving back loads the old day again from the lake
    assertEquals(Set.of("m9"), setOf(index, DAY.plusDays(1), "d", "m9", DAY.plusDays(2)));
  }

  private static Set<String> setOf(
      ObjectStoreDedupIndex index, LocalDate first, String owner, String id, LocalDate second)
      throws IOException {
    index.claim("acme", first, owner, List.of(id));
    return index.claim("acme", second, owner + "2", List.of(id));
  }

  @Test
  void tenantsNeverShareIds() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claim("acme", DAY, "a", List.of("m1"));
    assertEquals(Set.of(), index.claim("globex", DAY, "a", List.of("m1")));
  }
}
