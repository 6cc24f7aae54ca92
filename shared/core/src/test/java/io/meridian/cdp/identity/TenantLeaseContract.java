package io.meridian.cdp.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.MovingClock;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the tenant lease guarantees over every store that writes conditionally (ADR 0031): a test
 * class per store extends this one ({@code TenantLeaseTest}: in memory; {@code S3TenantLeaseIT}: S3
 * on moto). Time is a clock the tests move; nothing sleeps.
 */
public abstract class TenantLeaseContract {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  /** A new, empty store for one test. */
  protected abstract ObjectStore newStore() throws Exception;

  private ObjectStore store;
  private MovingClock clock;
  private TenantLease lease;

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
    clock = new MovingClock(T0);
    lease = TenantLease.over(store, clock).orElseThrow();
  }

  @Test
  void theFirstOwnerGetsTheLeaseAndAnotherIsToldTheTenantIsBusy() throws Exception {
    lease.acquire("acme", "curate:run-1");

    assertThatThrownBy(() -> lease.acquire("acme", "erasure:er-1"))
        .isInstanceOf(TenantBusyException.class)
        .hasMessage(
            "tenant acme is busy: its curated data is being written by curate:run-1 (lease until"
                + " 2026-12-07T10:20:00Z); try again later");
    TenantLease.Lease held = lease.current("acme").orElseThrow();
    assertThat(held.owner()).isEqualTo("curate:run-1");
    assertThat(held.acquiredAt()).isEqualTo("2026-12-07T10:00:00Z");
    assertThat(held.expiresAt()).isEqualTo("2026-12-07T10:20:00Z");
    assertThat(store.exists("_state/curated/tenant=acme/lease.json")).isTrue();
    // another tenant is not affected
    lease.acquire("globex", "erasure:er-1");
  }

  @Test
  void theSameOwnerAcquiringAgainRenewsItsLease() throws Exception {
    lease.acquire("acme", "erasure:er-1");
    clock.advance(Duration.ofMinutes(10));

    lease.acquire("acme", "erasure:er-1");

    TenantLease.Lease held = lease.current("acme").orElseThrow();
    assertThat(held.owner()).isEqualTo("erasure:er-1");
    assertThat(held.acquiredAt()).isEqualTo("2026-12-07T10:00:00Z");
    assertThat(held.expiresAt()).isEqualTo("2026-12-07T10:30:00Z");
    clock.advance(Duration.ofMinutes(15)); // 25 minutes after the first acquisition
    assertThatThrownBy(() -> lease.acquire("acme", "curate:run-1"))
        .isInstanceOf(TenantBusyException.class);
  }

  @Test
  void aReleasedLeaseIsFreeAtOnceAndReleasingTwiceOrByAnotherDoesNothing() throws Exception {
    try (TenantLease.Held held = lease.acquire("acme", "curate:run-1")) {
      assertThat(held.owner()).isEqualTo("curate:run-1");
      assertThat(lease.release("acme", "erasure:er-1")).isFalse();
    }
    assertThat(lease.current("acme").orElseThrow().owner()).isEmpty();
    assertThat(lease.release("acme", "curate:run-1")).isFalse();

    lease.acquire("acme", "erasure:er-1");
    assertThat(lease.current("acme").orElseThrow().owner()).isEqualTo("erasure:er-1");
  }

  @Test
  void anExpiredLeaseIsTakenOverAndTheLateHolderCanNeitherRenewNorReleaseIt() throws Exception {
    lease.acquire("acme", "curate:run-1");
    clock.advance(TenantLease.TTL.minusSeconds(1));
    assertThatThrownBy(() -> lease.acquire("acme", "erasure:er-1"))
        .isInstanceOf(TenantBusyException.class);
    clock.advance(Duration.ofSeconds(1));

    lease.acquire("acme", "erasure:er-1");

    assertThatThrownBy(() -> lease.renew("acme", "curate:run-1"))
        .isInstanceOf(TenantLease.LostException.class)
        .hasMessageContaining("curate:run-1 no longer holds the tenant's lease")
        .hasMessageContaining("now held by erasure:er-1");
    assertThat(lease.release("acme", "curate:run-1")).isFalse();
    assertThat(lease.current("acme").orElseThrow().owner()).isEqualTo("erasure:er-1");
  }

  @Test
  void anOwnerRenewsItsLeaseEvenAfterItExpiredIfNobodyTookIt() throws Exception {
    lease.acquire("acme", "curate:run-1");
    clock.advance(Duration.ofMinutes(25));

    lease.renew("acme", "curate:run-1");

    assertThat(lease.current("acme").orElseThrow().expiresAt()).isEqualTo("2026-12-07T10:45:00Z");
    lease.release("acme", "curate:run-1");
    assertThatThrownBy(() -> lease.renew("acme", "curate:run-1"))
        .isInstanceOf(TenantLease.LostException.class)
        .hasMessageContaining("it was released");
  }

  @Test
  void ofTwoWritersRacingForAFreeLeaseExactlyOneGetsIt() throws Exception {
    // run-1 reads "no lease", then erasure er-1 takes it, then run-1's conditional write comes
    ConditionalWrites real = (ConditionalWrites) store;
    TenantLease rival = new TenantLease(real, clock);
    boolean[] once = {false};
    ConditionalWrites interleaved =
        new ConditionalWrites() {
          @Override
          public Optional<Tagged> getTagged(String key) throws IOException {
            return real.getTagged(key);
          }

          @Override
          public Optional<String> putIf(String key, byte[] content, String expectedTag)
              throws IOException {
            if (!once[0]) {
              once[0] = true;
              rival.acquire("acme", "erasure:er-1");
            }
            return real.putIf(key, content, expectedTag);
          }
        };

    assertThatThrownBy(() -> new TenantLease(interleaved, clock).acquire("acme", "curate:run-1"))
        .isInstanceOf(TenantBusyException.class)
        .hasMessageContaining("written by erasure:er-1");
    assertThat(lease.current("acme").orElseThrow().owner()).isEqualTo("erasure:er-1");
  }

  @Test
  void aDamagedLeaseObjectIsReportedNotTakenSilently() throws Exception {
    store.put(TenantLease.key("acme"), "{not json".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> lease.acquire("acme", "curate:run-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a valid lease; delete it if no writer is running");
  }

  @Test
  void anOwnerIsRequiredAndTheTenantIdIsChecked() {
    assertThatThrownBy(() -> lease.acquire("acme", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs an owner");
    assertThatThrownBy(() -> lease.acquire("../x", "curate:run-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
