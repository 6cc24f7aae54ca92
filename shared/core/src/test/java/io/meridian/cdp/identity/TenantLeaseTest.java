package io.meridian.cdp.identity;

import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.ObjectStore;

/** The tenant lease contract on the in-memory store. */
class TenantLeaseTest extends TenantLeaseContract {
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore();
  }
}
