package io.meridian.cdp.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.Ids;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One writer of a tenant's curated pointers at a time, where writers share no lock (Lambda
 * functions of the curate and erase state machines; ADR 0031). The lease is one object per tenant,
 * {@code _state/curated/tenant=T/lease.json}, holding its owner (a run or request id), when it was
 * acquired and when it expires, written only with {@link ConditionalWrites} (on S3 {@code
 * If-None-Match: *} / {@code If-Match}), so of two writers racing for it exactly one wins.
 *
 * <ul>
 *   <li>{@link #acquire}: takes a lease that is absent, released or expired, or renews one the same
 *       owner holds (a retried Lambda invocation is the same owner); a live lease of another owner
 *       throws {@link TenantBusyException}.
 *   <li>{@link #renew}: extends the owner's lease; one another owner has taken since (after it
 *       expired) throws {@link LostException} — whatever the owner planned over may be stale.
 *   <li>{@link #release}: marks the owner's lease free (a conditional replace, so a lease another
 *       owner took after expiry is never freed by the late one).
 * </ul>
 *
 * <p>A holder that dies keeps the lease until it expires ({@link #TTL}, longer than the longest
 * Lambda invocation, 15 minutes); a holder still running must renew before then.
 */
public final class TenantLease {
  /**
   * How long a lease lasts after it was acquired or renewed: a Lambda invocation runs at most 15
   * minutes, and holders renew at the start of each invocation (and the erasure before each step).
   */
  public static final Duration TTL = Duration.ofMinutes(20);

  /** Attempts when a conditional write loses a race (for example to the same owner's renewal). */
  private static final int ATTEMPTS = 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConditionalWrites store;
  private final Clock clock;
  private final Duration ttl;

  public TenantLease(ConditionalWrites store, Clock clock) {
    this(store, clock, TTL);
  }

  public TenantLease(ConditionalWrites store, Clock clock, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease's time to live must be positive, got " + ttl);
    }
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * The lease over {@code store}, or empty when the store cannot write conditionally (the local
   * directory store: local mode serializes its writers by the spool's file lock instead).
   */
  public static Optional<TenantLease> over(ObjectStore store, Clock clock) {
    return store instanceof ConditionalWrites c
        ? Optional.of(new TenantLease(c, clock))
        : Optional.empty();
  }

  public static String key(String tenant) {
    return CuratedStore.POINTERS + "tenant=" + Ids.require("tenant", tenant) + "/lease.json";
  }

  /**
   * The lease object: {@code owner} is empty once released.
   *
   * @param acquiredAt when the owner first acquired it (kept by renewals)
   * @param expiresAt after this instant any writer may take it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Lease(
      @JsonProperty("owner") String owner,
      @JsonProperty("acquiredAt") String acquiredAt,
      @JsonProperty("expiresAt") String expiresAt,
      @JsonProperty("releasedBy") String releasedBy) {
    public boolean free(Instant now) {
      return owner == null || owner.isEmpty() || !now.isBefore(Instant.parse(expiresAt));
    }
  }

  /** The lease held by an owner; {@link #close} releases it. */
  public final class Held implements AutoCloseable {
    private final String tenant;
    private final String owner;

    private Held(String tenant, String owner) {
      this.tenant = tenant;
      this.owner = owner;
    }

    public String owner() {
      return owner;
    }

    /** Extends the lease ({@link TenantLease#renew}). */
    public void renew() throws IOException {
      TenantLease.this.renew(tenant, owner);
    }

    @Override
    public void close() throws IOException {
      release(tenant, owner);
    }
  }

  /** The lease another owner took after this owner's had expired: this owner must stop. */
  public static final class LostException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LostException(String tenant, String owner, Lease now) {
      super(
          "tenant "
              + tenant
              + ": "
              + owner
              + " no longer holds the tenant's lease ("
              + (now == null || now.owner() == null || now.owner().isEmpty()
                  ? "it was released"
                  : "now held by " + now.owner())
              + "); another writer may have switched the curated data it read, so this run stops"
              + " (the next run starts over)");
    }
  }

  /** The lease as stored, or empty when there never was one. */
  public Optional<Lease> current(String tenant) throws IOException {
    Optional<ConditionalWrites.Tagged> t = store.getTagged(key(tenant));
    return t.isEmpty() ? Optional.empty() : Optional.of(parse(t.get()));
  }

  /**
   * Takes the tenant's lease for {@code owner}, or renews it when {@code owner} holds it already.
   *
   * @throws TenantBusyException when another owner holds a lease that has not expired
   */
  public Held acquire(String tenant, String owner) throws IOException {
    requireOwner(owner);
    String key = key(tenant);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Instant now = clock.instant();
      Optional<ConditionalWrites.Tagged> found = store.getTagged(key);
      String acquiredAt = now.toString();
      String expected = null;
      if (found.isPresent()) {
        Lease lease = parse(found.get());
        boolean own = owner.equals(lease.owner());
        if (!own && !lease.free(now)) {
          throw new TenantBusyException(tenant, lease.owner(), lease.expiresAt());
        }
        if (own && !lease.free(now)) {
          acquiredAt = lease.acquiredAt();
        }
        expected = found.get().tag();
      }
      if (store
          .putIf(key, bytes(new Lease(owner, acquiredAt, expiry(now), null)), expected)
          .isPresent()) {
        return new Held(tenant, owner);
      }
    }
    Lease lease = current(tenant).orElse(null);
    throw new TenantBusyException(
        tenant,
        lease == null ? "another writer" : lease.owner(),
        lease == null ? "unknown" : lease.expiresAt());
  }

  /**
   * Extends {@code owner}'s lease by {@link #TTL} from now. A lease of the owner's that expired but
   * that nobody took since is renewed too: nothing can have been switched in between.
   *
   * @throws LostException when the lease was released or another owner holds it now
   */
  public void renew(String tenant, String owner) throws IOException {
    requireOwner(owner);
    String key = key(tenant);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ConditionalWrites.Tagged> found = store.getTagged(key);
      Lease lease = found.map(TenantLease::parse).orElse(null);
      if (lease == null || !owner.equals(lease.owner())) {
        throw new LostException(tenant, owner, lease);
      }
      Lease renewed = new Lease(owner, lease.acquiredAt(), expiry(clock.instant()), null);
      if (store.putIf(key, bytes(renewed), found.get().tag()).isPresent()) {
        return;
      }
    }
    throw new LostException(tenant, owner, current(tenant).orElse(null));
  }

  /**
   * Frees the lease if {@code owner} holds it (expired or not).
   *
   * @return false when {@code owner} did not hold it (released before, or taken by another)
   */
  public boolean release(String tenant, String owner) throws IOException {
    requireOwner(owner);
    String key = key(tenant);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ConditionalWrites.Tagged> found = store.getTagged(key);
      if (found.isEmpty() || !owner.equals(parse(found.get()).owner())) {
        return false;
      }
      Instant now = clock.instant();
      Lease free = new Lease("", parse(found.get()).acquiredAt(), now.toString(), owner);
      if (store.putIf(key, bytes(free), found.get().tag()).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private String expiry(Instant now) {
    return now.plus(ttl).toString();
  }

  private static void requireOwner(String owner) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("a lease needs an owner (a run or request id)");
    }
  }

  private static byte[] bytes(Lease lease) throws IOException {
    return JSON.writeValueAsBytes(lease);
  }

  private static Lease parse(ConditionalWrites.Tagged t) {
    try {
      Lease lease = JSON.readValue(t.content(), Lease.class);
      if (lease.expiresAt() == null) {
        throw new IOException("no expiresAt");
      }
      Instant.parse(lease.expiresAt());
      return lease;
    } catch (IOException | RuntimeException e) {
      // a damaged lease must not block the tenant forever, nor be taken silently
      throw new IllegalStateException(
          "the tenant lease object is not a valid lease; delete it if no writer is running", e);
    }
  }
}
