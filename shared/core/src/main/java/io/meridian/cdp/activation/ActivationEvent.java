package io.meridian.cdp.activation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event on the activation bus, in the shape of an EventBridge event.
 *
 * @param id deterministic (see {@link MembershipChangeEvents#eventId}): the same change of the same
 *     run always has the same id, so a retried publish can be de-duplicated by receivers
 * @param source EventBridge {@code source}, {@value MembershipChangeEvents#SOURCE}
 * @param detailType EventBridge {@code detail-type}, e.g. {@value
 *     MembershipChangeEvents#DETAIL_TYPE}
 * @param tenant the tenant the event belongs to (also {@code detail.tenant})
 * @param time when the change happened (EventBridge {@code time})
 * @param detail the event body; copied on construction and never modified afterwards
 */
public record ActivationEvent(
    String id, String source, String detailType, String tenant, Instant time, ObjectNode detail) {

  public ActivationEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detailType, "detailType");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(time, "time");
    detail = Objects.requireNonNull(detail, "detail").deepCopy();
  }

  /**
   * The event as EventBridge delivers it to targets and matches it against patterns: {@code
   * version, id, detail-type, source, time, resources, detail} ({@code account} and {@code region}
   * are added by EventBridge on AWS and absent locally). A new object on every call.
   */
  public ObjectNode envelope() {
    ObjectNode e = ActivationJson.MAPPER.createObjectNode();
    e.put("version", "0");
    e.put("id", id);
    e.put("detail-type", detailType);
    e.put("source", source);
    e.put("time", time.toString());
    e.putArray("resources");
    e.set("detail", detail.deepCopy());
    return e;
  }
}
