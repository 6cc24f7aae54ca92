package io.meridian.cdp.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small, fully materialized result.
 *
 * @param columns column names in order
 * @param types engine type names, parallel to {@code columns}
 * @param rows values as Java objects (String, Long, Double, Boolean, java.time types, or null)
 */
public record QueryResult(List<String> columns, List<String> types, List<List<Object>> rows) {
  public QueryResult {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(r)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** The single value of a one-row, one-column result. */
  public Object scalar() {
    if (rows.size() != 1 || columns.size() != 1) {
      throw new IllegalStateException(
          "expected one value, got " + rows.size() + " rows of " + columns.size() + " columns");
    }
    return rows.get(0).get(0);
  }
}
