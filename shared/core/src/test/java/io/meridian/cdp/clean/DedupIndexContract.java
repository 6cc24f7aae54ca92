package io.meridian.cdp.clean;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DedupIndex} does, in the lake (local mode) or in DynamoDB (AWS): a test class
 * per adapter extends this one. {@link #index()} gives a new instance over the same claims each
 * time, as a restarted process or another function instance would see them.
 */
public abstract class DedupIndexContract {
  protected static final LocalDate DAY = LocalDate.of(2026, 11, 1);

  /** A new index over the claims made so far in this test, with a window of 7 days. */
  protected abstract DedupIndex index() throws Exception;

  @Test
  void aRepeatedIdWithinTheWindowIsADuplicateEvenAfterARestart() throws Exception {
    assertThat(index().claim("acme", DAY, "a", List.of("m1", "m2"))).isEmpty();

    DedupIndex restarted = index();
    assertThat(restarted.claim("acme", DAY.plusDays(7), "b", List.of("m1", "m3")))
        .containsExactly("m1");
    assertThat(restarted.claim("acme", DAY, "c", List.of("m3"))).containsExactly("m3");
  }

  @Test
  void theSameOwnerGetsItsOwnClaimsBackSoARetryIsNeverItsOwnDuplicate() throws Exception {
    DedupIndex index = index();
    index.claim("acme", DAY, "a", List.of("m1", "m2"));
    assertThat(index.claim("acme", DAY, "a", List.of("m1", "m2"))).isEmpty();
    assertThat(index().claim("acme", DAY, "a", List.of("m2", "m4"))).isEmpty();
    assertThat(index().claim("acme", DAY, "b", List.of("m4"))).containsExactly("m4");
  }

  @Test
  void idsClaimedMoreThanTheWindowApartAreNotDuplicates() throws Exception {
    index().claim("acme", DAY, "a", List.of("m1"));
    assertThat(index().claim("acme", DAY.plusDays(8), "b", List.of("m1"))).isEmpty();
  }

  @Test
  void tenantsNeverShareIds() throws Exception {
    index().claim("acme", DAY, "a", List.of("m1"));
    assertThat(index().claim("globex", DAY, "b", List.of("m1"))).isEmpty();
    assertThat(index().claim("globex", DAY, "c", List.of("m1"))).containsExactly("m1");
  }

  @Test
  void claimsOfAUnitCountAtOnceAndAreDurableOnceItCommits() throws Exception {
    DedupIndex index = index();
    assertThat(index.claimInUnit("acme", DAY, "u", "u.c0", List.of("m1", "m2"))).isEmpty();
    assertThat(index.claimInUnit("acme", DAY, "u", "u.c1", List.of("m2", "m3")))
        .containsExactly("m2");
    index.commitUnit("acme", DAY, "u");

    DedupIndex restarted = index();
    assertThat(restarted.claim("acme", DAY, "b", List.of("m1", "m3", "m4")))
        .containsExactlyInAnyOrder("m1", "m3");
    assertThat(restarted.claimInUnit("acme", DAY, "u", "u.c0", List.of("m1", "m2"))).isEmpty();
  }

  @Test
  void anEmptyUnitClaimsNothing() throws Exception {
    assertThat(index().claim("acme", DAY, "a", List.of())).isEmpty();
  }
}
