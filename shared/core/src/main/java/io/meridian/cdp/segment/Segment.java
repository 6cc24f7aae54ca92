package io.meridian.cdp.segment;

import io.meridian.cdp.tenant.Ids;
import java.util.List;
import java.util.Objects;

/**
 * One audience of a tenant.
 *
 * @param id lake-safe id (rules of {@link Ids}), unique within the tenant
 * @param name display name (the id when none is given)
 * @param description free text, may be empty
 * @param condition who is a member
 * @param activationTraits trait names to include in activation events; may be empty
 * @param activationIdentifiers identifier types (e.g. {@code email}) to include in activation
 *     events; may be empty
 */
public record Segment(
    String id,
    String name,
    String description,
    Condition condition,
    List<String> activationTraits,
    List<String> activationIdentifiers) {

  public Segment {
    Ids.require("segment", id);
    name = name == null || name.isBlank() ? id : name;
    description = description == null ? "" : description;
    Objects.requireNonNull(condition, "condition");
    activationTraits = activationTraits == null ? List.of() : List.copyOf(activationTraits);
    activationIdentifiers =
        activationIdentifiers == null ? List.of() : List.copyOf(activationIdentifiers);
  }

  /** A segment with no activation identifiers. */
  public Segment(
      String id,
      String name,
      String description,
      Condition condition,
      List<String> activationTraits) {
    this(id, name, description, condition, activationTraits, List.of());
  }
}
