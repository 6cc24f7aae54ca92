package io.meridian.cdp.local.activation;

/**
 * How a delivery ended.
 *
 * @param delivered whether the destination accepted it
 * @param attempts attempts made (0 when none could be made)
 * @param lastStatus the last HTTP status, or 0 when there was none
 * @param lastError why it was not delivered (null when delivered)
 */
record Outcome(boolean delivered, int attempts, int lastStatus, String lastError) {
  static Outcome ok(int attempts, int status) {
    return new Outcome(true, attempts, status, null);
  }

  static Outcome failed(int attempts, int status, String error) {
    return new Outcome(false, attempts, status, error);
  }
}
