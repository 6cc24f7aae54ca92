package io.meridian.cdp.identity;

import static io.meridian.cdp.parquet.Column.optional;
import static io.meridian.cdp.parquet.Column.required;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.parquet.Column;
import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.TableSchema;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The private {@code _audience_traits} table of the profiles step (ADR 0032): for each profile, in
 * the order of {@code curated.profiles}, the computed-trait columns and the text of each trait path
 * the tenant's segments use. A trait's text is exactly what DuckDB's {@code
 * json_extract_string(traits, pointer)} returns from the profile's {@code traits} JSON — a string
 * unquoted, a number or boolean as DuckDB writes it, an object or array as DuckDB writes its JSON,
 * JSON null or a missing key as SQL NULL. Segments staged from it (DuckDB) read typed columns
 * instead of parsing JSON, and one file instead of two.
 *
 * <p>Column {@code t<i>} holds path {@code i} of the {@link Layout} kept in the profiles pointer:
 * no trait name ever becomes a column name.
 */
public final class AudienceTraits {
  /** The table's key in the profiles pointer's {@code tables}. */
  public static final String TABLE = "_audience_traits";

  private AudienceTraits() {}

  /**
   * What the table holds.
   *
   * @param columns columns of {@code curated.profiles} copied as they are (computed traits)
   * @param paths trait paths; path {@code i} is column {@code t<i>}
   */
  public record Layout(
      @JsonProperty("columns") List<String> columns,
      @JsonProperty("paths") List<List<String>> paths) {
    public Layout {
      columns = columns == null ? List.of() : columns.stream().distinct().toList();
      paths = paths == null ? List.of() : paths.stream().distinct().map(List::copyOf).toList();
      for (String c : columns) {
        if (c.equals("profile_id")) {
          throw new IllegalArgumentException("profile_id is always the first column");
        }
        CuratedTables.PROFILES.indexOf(c); // a column of curated.profiles, else refused
      }
    }

    /** No table. */
    public static Layout none() {
      return new Layout(List.of(), List.of());
    }

    @JsonIgnore
    public boolean isEmpty() {
      return columns.isEmpty() && paths.isEmpty();
    }

    /** Whether this table holds every column and path of {@code needed}. */
    public boolean covers(Layout needed) {
      return columns.containsAll(needed.columns()) && paths.containsAll(needed.paths());
    }

    /** The table's columns: {@code profile_id}, the copied columns, then {@code t0}... */
    public TableSchema schema() {
      List<Column> out = new ArrayList<>(1 + columns.size() + paths.size());
      out.add(required("profile_id", ColumnType.STRING).withoutDictionary());
      for (String c : columns) {
        out.add(CuratedTables.PROFILES.columns().get(CuratedTables.PROFILES.indexOf(c)));
      }
      for (int i = 0; i < paths.size(); i++) {
        out.add(optional(column(i), ColumnType.STRING));
      }
      return new TableSchema(TABLE.substring(1), out);
    }

    /** The column holding {@code path}, or null. */
    public String columnOf(List<String> path) {
      int i = paths.indexOf(path);
      return i < 0 ? null : column(i);
    }

    /**
     * The table's rows: {@link Rows#of} makes one profile's row from its {@code curated.profiles}
     * row and its traits (the object whose JSON text is that row's {@code traits}).
     */
    public Rows rows() {
      int[] copied = columns.stream().mapToInt(CuratedTables.PROFILES::indexOf).toArray();
      return new Rows(copied, paths);
    }

    /** Excludes an empty layout from a pointer's JSON (Jackson value filter). */
    static final class EmptyFilter {
      @Override
      public boolean equals(Object other) {
        return other == null || (other instanceof Layout l && l.isEmpty());
      }

      @Override
      public int hashCode() {
        return 0;
      }
    }
  }

  /** Makes rows of the table for one {@link Layout}. */
  public static final class Rows {
    private final int[] copied;
    private final List<List<String>> paths;

    private Rows(int[] copied, List<List<String>> paths) {
      this.copied = copied;
      this.paths = paths;
    }

    /** The row of the profile whose {@code curated.profiles} row and traits are given. */
    public Object[] of(Object[] profileRow, JsonNode traits) {
      Object[] row = new Object[1 + copied.length + paths.size()];
      row[0] = profileRow[0];
      int k = 1;
      for (int c : copied) {
        row[k++] = profileRow[c];
      }
      for (List<String> path : paths) {
        row[k++] = extract(traits, path);
      }
      return row;
    }
  }

  /** The column holding path {@code i}. */
  public static String column(int i) {
    return "t" + i;
  }

  /**
   * What DuckDB's {@code json_extract_string(json, pointer)} returns for the JSON text Jackson
   * writes for {@code root} and the JSON pointer to {@code path}: null when the path leads nowhere
   * or to JSON null.
   */
  public static String extract(JsonNode root, List<String> path) {
    JsonNode node = root;
    for (String key : path) {
      if (node == null) {
        return null;
      }
      if (node.isObject()) {
        node = node.get(key);
      } else if (node.isArray()) {
        int index = arrayIndex(key);
        node = index < 0 ? null : node.get(index);
      } else {
        return null;
      }
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  /** An array index as DuckDB reads it from a JSON pointer: digits, no leading zero; else -1. */
  private static int arrayIndex(String key) {
    if (key.isEmpty() || key.length() > 9 || (key.length() > 1 && key.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(key);
  }

  /** JSON as DuckDB (yyjson) writes it: no spaces, numbers re-written, few escapes. */
  private static void write(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      out.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.append(first ? "" : ",");
        first = false;
        string(e.getKey(), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        out.append(i == 0 ? "" : ",");
        write(node.get(i), out);
      }
      out.append(']');
    } else if (node.isTextual()) {
      string(node.textValue(), out);
    } else if (node.isNumber()) {
      out.append(number(node));
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else {
      out.append("null");
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * A number as DuckDB writes it after reading the text Jackson writes for it: an integer literal
   * as its digits; any other number as the nearest double in the shortest form that reads back as
   * the same double ({@code 42.5}, {@code 1000.0}, {@code 1e21}, {@code 1.25e-7}); a number beyond
   * the range of a double as written.
   */
  static String number(JsonNode node) {
    if (node.isInt() || node.isLong()) {
      return Long.toString(node.longValue());
    }
    if (node.isBigInteger()) {
      return node.bigIntegerValue().toString();
    }
    // what the profile's JSON holds: Jackson writes a decimal with BigDecimal.toString ("0",
    // "1E+3")
    String text = node.isBigDecimal() ? node.decimalValue().toString() : node.toString();
    if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
      return new java.math.BigInteger(text).toString(); // an integer: its digits, "-0" as "0"
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d) || Double.isNaN(d)) {
      return text;
    }
    return formatDouble(d);
  }

  /** A double as yyjson writes it (shortest round-trip digits, JavaScript-like layout). */
  static String formatDouble(double d) {
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    StringBuilder out = new StringBuilder(24);
    if (d < 0) {
      out.append('-');
      d = -d;
    }
    BigDecimal shortest = shortest(d);
    String digits = shortest.unscaledValue().toString();
    int n = digits.length();
    // value = 0.<digits> x 10^k
    int k = n - shortest.scale();
    if (n <= k && k <= 21) {
      out.append(digits).append("0".repeat(k - n)).append(".0");
    } else if (0 < k && k <= 21) {
      out.append(digits, 0, k).append('.').append(digits, k, n);
    } else if (-6 < k && k <= 0) {
      out.append("0.").append("0".repeat(-k)).append(digits);
    } else {
      out.append(digits.charAt(0));
      if (n > 1) {
        out.append('.').append(digits, 1, n);
      }
      out.append('e').append(k - 1);
    }
    return out.toString();
  }

  /**
   * The decimal with the fewest digits that reads back as {@code d} (positive, finite), the one
   * nearest to {@code d} when several have that many digits; trailing zeros stripped.
   */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    // Double.toString reads back as d; it may have a digit more than needed (JDK-4511638)
    int p = new BigDecimal(Double.toString(d)).stripTrailingZeros().precision();
    BigDecimal best = roundTrip(exact, p, d);
    while (p > 1) {
      BigDecimal shorter = roundTrip(exact, p - 1, d);
      if (shorter == null) {
        break;
      }
      best = shorter;
      p--;
    }
    return (best != null ? best : new BigDecimal(Double.toString(d))).stripTrailingZeros();
  }

  /** The decimal of {@code p} digits nearest to {@code exact} that reads back as {@code d}. */
  private static BigDecimal roundTrip(BigDecimal exact, int p, double d) {
    BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
    if (nearest.doubleValue() == d) {
      return nearest;
    }
    for (RoundingMode mode : List.of(RoundingMode.FLOOR, RoundingMode.CEILING)) {
      BigDecimal other = exact.round(new MathContext(p, mode));
      if (other.doubleValue() == d) {
        return other;
      }
    }
    return null;
  }
}
