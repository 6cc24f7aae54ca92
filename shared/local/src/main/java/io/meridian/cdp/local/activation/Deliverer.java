package io.meridian.cdp.local.activation;

/** Sends deliveries to one destination. Called from several lane workers at once. */
interface Deliverer extends AutoCloseable {
  /**
   * Delivers, retrying as the destination's policy says. When the run's deadline interrupts it,
   * returns a failed outcome saying so and leaves the thread's interrupt flag set.
   */
  Outcome deliver(Delivery delivery);

  @Override
  void close();
}
