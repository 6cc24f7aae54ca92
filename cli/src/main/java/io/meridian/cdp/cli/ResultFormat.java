package io.meridian.cdp.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.sql.QueryResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Renders query results for terminals and scripts. */
final class ResultFormat {
  private static final int MAX_CELL = 60;

  private ResultFormat() {}

  static String table(QueryResult r) {
    int n = r.columns().size();
    int[] width = new int[n];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      width[i] = r.columns().get(i).length();
    }
    for (List<Object> row : r.rows()) {
      String[] c = new String[n];
      for (int i = 0; i < n; i++) {
        String s = row.get(i) == null ? "NULL" : row.get(i).toString().replace('\n', ' ');
        c[i] = s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 1) + "…" : s;
        width[i] = Math.max(width[i], c[i].length());
      }
      cells.add(c);
    }
    StringBuilder out = new StringBuilder();
    line(out, r.columns().toArray(new String[0]), width);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < n; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.append(rule).append('\n');
    for (String[] c : cells) {
      line(out, c, width);
    }
    out.append("(").append(r.rows().size()).append(r.rows().size() == 1 ? " row)\n" : " rows)\n");
    return out.toString();
  }

  private static void line(StringBuilder out, String[] c, int[] width) {
    for (int i = 0; i < c.length; i++) {
      out.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", c[i]));
    }
    out.append('\n');
  }

  static String csv(QueryResult r) {
    StringBuilder out = new StringBuilder();
    out.append(String.join(",", r.columns().stream().map(ResultFormat::csvCell).toList()))
        .append('\n');
    for (List<Object> row : r.rows()) {
      List<String> c = new ArrayList<>();
      for (Object v : row) {
        c.add(v == null ? "" : csvCell(v.toString()));
      }
      out.append(String.join(",", c)).append('\n');
    }
    return out.toString();
  }

  private static String csvCell(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  static String json(QueryResult r) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = Json.MAPPER.createGenerator(w)) {
      g.writeStartArray();
      for (List<Object> row : r.rows()) {
        g.writeStartObject();
        for (int i = 0; i < r.columns().size(); i++) {
          Object v = row.get(i);
          g.writeFieldName(r.columns().get(i));
          if (v == null) {
            g.writeNull();
          } else if (v instanceof Long l) {
            g.writeNumber(l);
          } else if (v instanceof Double d) {
            g.writeNumber(d);
          } else if (v instanceof Number num) {
            g.writeNumber(num.toString());
          } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
          } else {
            g.writeString(v.toString());
          }
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w + "\n";
  }
}
