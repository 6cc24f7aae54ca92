package io.meridian.cdp.activation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.event.ruler.Machine;

/**
 * Matches events against a tenant's destination patterns with event-ruler, the matcher EventBridge
 * itself uses, so a pattern behaves locally exactly as in an EventBridge rule. Thread-safe; the
 * cost of a match does not grow with the number of destinations.
 */
public final class DestinationMatcher {
  private final Machine machine = new Machine();
  private final Map<String, Integer> order;
  private final Map<String, DestinationConfig> byId;

  /**
   * @param destinations one tenant's destinations (ids unique, as {@code TenantConfig} ensures)
   */
  public DestinationMatcher(List<DestinationConfig> destinations) {
    Map<String, Integer> positions = new java.util.HashMap<>();
    for (DestinationConfig d : destinations) {
      if (positions.putIfAbsent(d.id(), positions.size()) != null) {
        throw new IllegalArgumentException("destination '" + d.id() + "' is declared twice");
      }
      try {
        machine.addRule(d.id(), d.patternJson());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    this.order = Map.copyOf(positions);
    this.byId =
        destinations.stream()
            .collect(Collectors.toUnmodifiableMap(DestinationConfig::id, Function.identity()));
  }

  /** The destinations whose pattern matches {@code envelope}, in configuration order. */
  public List<DestinationConfig> matching(ObjectNode envelope) {
    Set<String> ids = new HashSet<>(machine.rulesForJSONEvent(envelope));
    List<DestinationConfig> out = new ArrayList<>(ids.size());
    ids.stream().sorted((a, b) -> order.get(a) - order.get(b)).forEach(id -> out.add(byId.get(id)));
    return out;
  }
}
