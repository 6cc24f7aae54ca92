package io.meridian.cdp.event;

/**
 * Why an event was rejected.
 *
 * @param code a stable code from {@link Reason}
 * @param field the JSON path of the offending field ({@code traits.email}), or empty
 * @param message one sentence for humans, naming the field; never contains field values
 */
public record Problem(String code, String field, String message) {
  public Problem {
    field = field == null ? "" : field;
  }
}
