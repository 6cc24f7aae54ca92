package io.meridian.cdp.clean;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link IdOwners} must answer exactly as a HashMap's putIfAbsent. */
class IdOwnersTest {

  @Test
  void answersAsAHashMapOnManyVariedIds() {
    Random r = new Random(11);
    IdOwners ids = new IdOwners();
    Map<String, String> expected = new HashMap<>();
    String[] owners = {"p-1.c0", "p-1.c1", "p-2.c0", "p-3.c0"};
    for (int i = 0; i < 400_000; i++) {
      String id =
          switch (r.nextInt(8)) {
            case 0 -> "m-" + r.nextInt(50_000); // often seen before
            case 1 -> "ü-" + r.nextInt(1_000) + "-日本";
            case 2 -> "𝄞" + r.nextInt(1_000);
            case 3 -> r.nextInt(100) == 0 ? "" : "x".repeat(r.nextInt(300));
            case 4 -> "long-" + "y".repeat(IdOwners.MAX_ID_BYTES - 10 + r.nextInt(20));
            default -> "cdp-" + Long.toHexString(r.nextLong());
          };
      String owner = owners[r.nextInt(owners.length)];
      assertThat(ids.putIfAbsent(id, owner)).as(id).isEqualTo(expected.putIfAbsent(id, owner));
    }
    assertThat(ids.size()).isEqualTo(expected.size());
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertThat(ids.putIfAbsent(e.getKey(), "other")).isEqualTo(e.getValue());
    }
  }

  @Test
  void tellsApartIdsWithEqualHashes() {
    IdOwners ids = new IdOwners();
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    assertThat(ids.putIfAbsent("Aa", "one")).isNull();
    assertThat(ids.putIfAbsent("BB", "two")).isNull();
    assertThat(ids.putIfAbsent("Aa", "three")).isEqualTo("one");
    assertThat(ids.putIfAbsent("BB", "three")).isEqualTo("two");
  }
}
