package io.meridian.cdp.identity;

/**
 * Another writer holds the tenant's {@link TenantLease}: its curated pointers are being switched
 * (by a curate run or an erasure). Nothing was written; the caller tries again later. On AWS the
 * Lambda runtime names the task's error after this class ({@code
 * io.meridian.cdp.identity.TenantBusyException}), and the state machines retry on that name with
 * back-off long enough to outwait a holder (statemachines/README.md, ADR 0031).
 */
public final class TenantBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String tenant;
  private final String holder;

  TenantBusyException(String tenant, String holder, String until) {
    super(
        "tenant "
            + tenant
            + " is busy: its curated data is being written by "
            + holder
            + " (lease until "
            + until
            + "); try again later");
    this.tenant = tenant;
    this.holder = holder;
  }

  public String tenant() {
    return tenant;
  }

  /** The owner holding the lease (a run or request id, never personal data). */
  public String holder() {
    return holder;
  }
}
