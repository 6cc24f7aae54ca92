package io.meridian.cdp.privacy;

import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a SQL statement reads columns that hold personal data, judged from its text: the
 * statement (without string literals and comments) names one of {@link #PII_COLUMNS} as a word, or
 * selects {@code *} (other than in {@code count(*)}), which includes them. Deliberately simple and
 * conservative: a column of that name in any table counts, and aliases or views that hide a name
 * are not seen through (docs/PRIVACY.md).
 */
public final class SqlPiiCheck {
  /** Columns of the lake tables that hold personal data (docs/TABLES.md). */
  public static final Set<String> PII_COLUMNS =
      Set.of(
          "traits",
          "context",
          "identifiers",
          "identifier",
          "user_id",
          "anonymous_id",
          "previous_id",
          "properties");

  private static final Pattern LITERALS_AND_COMMENTS =
      Pattern.compile("'(?:[^']|'')*'|--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
  private static final Pattern WORD = Pattern.compile("\"([^\"]+)\"|([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern STAR = Pattern.compile("(?i)(?<!count\\s{0,3}\\(\\s{0,3})\\*");

  private SqlPiiCheck() {}

  /**
   * The personal-data columns {@code sql} names, sorted; {@code *} when it selects all columns.
   * Empty when it reads none.
   */
  public static Set<String> piiColumns(String sql) {
    String code = LITERALS_AND_COMMENTS.matcher(sql).replaceAll(" ");
    Set<String> found = new TreeSet<>();
    Matcher m = WORD.matcher(code);
    while (m.find()) {
      String word = (m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT);
      if (PII_COLUMNS.contains(word)) {
        found.add(word);
      }
    }
    if (STAR.matcher(code).find()) {
      found.add("*");
    }
    return Collections.unmodifiableSet(found);
  }
}
