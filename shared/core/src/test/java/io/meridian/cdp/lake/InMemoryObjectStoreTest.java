package io.meridian.cdp.lake;

class InMemoryObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore createStore() {
    return new InMemoryObjectStore();
  }
}
