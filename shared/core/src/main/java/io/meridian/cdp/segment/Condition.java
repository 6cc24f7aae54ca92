package io.meridian.cdp.segment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A segment's condition: a tree of combinators over field, behaviour and membership tests. */
public sealed interface Condition {

  /** The condition in words, on one line (combinators in brackets). */
  String describe();

  /** Every one of {@code conditions} holds ({@code all:} in a definition). */
  record All(List<Condition> conditions) implements Condition {
    public All {
      conditions = List.copyOf(conditions);
    }

    @Override
    public String describe() {
      return join(conditions, " and ");
    }
  }

  /** At least one of {@code conditions} holds ({@code any:}). */
  record Any(List<Condition> conditions) implements Condition {
    public Any {
      conditions = List.copyOf(conditions);
    }

    @Override
    public String describe() {
      return join(conditions, " or ");
    }
  }

  /** {@code condition} does not hold ({@code not:}). */
  record Not(Condition condition) implements Condition {
    public Not {
      Objects.requireNonNull(condition, "condition");
    }

    @Override
    public String describe() {
      return "not " + wrap(condition);
    }
  }

  /**
   * A field compared with values.
   *
   * @param field what is compared
   * @param operator how
   * @param type the type the field is compared as
   * @param values {@link String}, {@link Double}, {@link Boolean} or {@link Instant} values of
   *     {@code type}; a {@link Duration} (meaning "that long before now") for {@code within_last},
   *     {@code before} and {@code after}; one {@link Boolean} for {@code exists}
   * @param ignoreCase string comparisons ignore case
   */
  record Compare(
      Field field, Operator operator, ValueType type, List<Object> values, boolean ignoreCase)
      implements Condition {
    public Compare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(operator, "operator");
      values = List.copyOf(values);
    }

    @Override
    public String describe() {
      if (operator == Operator.EXISTS) {
        return field.describe() + (Boolean.TRUE.equals(values.get(0)) ? " exists" : " is missing");
      }
      String shown =
          operator == Operator.IN || operator == Operator.NOT_IN
              ? values.stream().map(Condition::show).collect(Collectors.joining(", ", "[", "]"))
              : show(values.get(0));
      if (operator.isDate() && values.get(0) instanceof Duration) {
        shown = shown + (operator == Operator.WITHIN_LAST ? "" : " ago");
      }
      return field.describe()
          + " "
          + operator.words()
          + " "
          + shown
          + (ignoreCase ? " (ignoring case)" : "");
    }
  }

  /**
   * Did perform track event {@code event} at least {@code atLeast} times, within the last {@code
   * withinLast} (null: ever), counting only events whose properties meet every one of {@code
   * where}. "Did not perform" is {@code not:} around it.
   */
  record Performed(String event, long atLeast, Duration withinLast, List<Compare> where)
      implements Condition {
    public Performed {
      Objects.requireNonNull(event, "event");
      where = List.copyOf(where);
    }

    @Override
    public String describe() {
      StringBuilder s = new StringBuilder("performed ").append(show(event));
      s.append(atLeast == 1 ? " at least once" : " at least " + atLeast + " times");
      if (withinLast != null) {
        s.append(" in the last ").append(show(withinLast));
      }
      if (!where.isEmpty()) {
        s.append(" where ")
            .append(where.stream().map(Compare::describe).collect(Collectors.joining(" and ")));
      }
      return s.toString();
    }
  }

  /** The profile is a member of the segment {@code segmentId} ({@code in_segment:}). */
  record InSegment(String segmentId) implements Condition {
    public InSegment {
      Objects.requireNonNull(segmentId, "segmentId");
    }

    @Override
    public String describe() {
      return "member of segment " + segmentId;
    }
  }

  /** What a {@link Compare} compares. */
  sealed interface Field {
    String describe();

    /** A key of the profile's {@code traits} JSON; more than one element is a nested path. */
    record Trait(List<String> path) implements Field {
      public Trait {
        path = List.copyOf(path);
      }

      @Override
      public String describe() {
        return "trait " + String.join(".", path);
      }
    }

    /** A typed column of {@code curated.profiles}. */
    record Computed(ComputedTrait trait) implements Field {
      @Override
      public String describe() {
        return trait.column();
      }
    }

    /** A key of an event's {@code properties} JSON (inside {@code performed}). */
    record Property(List<String> path) implements Field {
      public Property {
        path = List.copyOf(path);
      }

      @Override
      public String describe() {
        return "property " + String.join(".", path);
      }
    }
  }

  private static String join(List<Condition> conditions, String separator) {
    return conditions.stream().map(Condition::wrap).collect(Collectors.joining(separator));
  }

  private static String wrap(Condition c) {
    return c instanceof All || c instanceof Any ? "(" + c.describe() + ")" : c.describe();
  }

  /** A value as a definition would write it. */
  static String show(Object value) {
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    return String.valueOf(value);
  }
}
