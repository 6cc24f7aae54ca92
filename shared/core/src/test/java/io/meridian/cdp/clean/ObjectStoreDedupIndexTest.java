package io.meridian.cdp.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meridian.cdp.lake.InMemoryObjectStore;
import java.io.IOException;
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
  void movingBackToAnEarlierDayReloadsItsClaimsFromTheLake() throws IOException {
    ObjectStoreDedupIndex index = new ObjectStoreDedupIndex(store, 7);
    index.claim("acme", DAY, "a", List.of("m1"));
    // only the window around the day being converted is held in memory
    index.claim("acme", DAY.plusDays(20), "b", List.of("m5"));
    assertEquals(Set.of("m1"), index.claim("acme", DAY.plusDays(1), "c", List.of("m1")));
  }
}
