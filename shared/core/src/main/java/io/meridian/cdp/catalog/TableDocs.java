package io.meridian.cdp.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Column meanings read from the table contract, {@code docs/TABLES.md}: under each heading that
 * names a table ({@code ## clean.events}, {@code ### curated.profiles}), the rows {@code | column |
 * type | meaning |} of its table. The catalog's column comments come from here, so the catalog and
 * the document cannot drift apart. The build copies the document into this package ({@link
 * #bundled()}), so a process without the repository (a Lambda function, the CLI) reads the same
 * text the CDK app reads at synth time.
 */
public final class TableDocs {
  /** Glue allows 255 characters in a column comment. */
  public static final int MAX_COMMENT = 255;

  private static final String BUNDLED = "TABLES.md";

  private static final Pattern TABLE_NAME = Pattern.compile("\\b[a-z]+\\.[a-z_]+\\b");

  private final Map<String, Map<String, String>> byTable;
  private final Set<String> documented;

  private TableDocs(Map<String, Map<String, String>> byTable, Set<String> documented) {
    this.byTable = byTable;
    this.documented = documented;
  }

  /** Reads the table contract from a file, such as the repository's {@code docs/TABLES.md}. */
  public static TableDocs read(Path tablesMd) {
    try {
      return parse(Files.readAllLines(tablesMd));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the table contract " + tablesMd, e);
    }
  }

  /**
   * The copy of {@code docs/TABLES.md} in this jar.
   *
   * @throws IllegalStateException when the jar was built without it
   */
  public static TableDocs bundled() {
    try (InputStream in = TableDocs.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException(
            "the table contract "
                + BUNDLED
                + " is missing from the classpath (see cdp-core's pom)");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled table contract", e);
    }
  }

  /** Parses the lines of the table contract. */
  public static TableDocs parse(List<String> lines) {
    Map<String, Map<String, String>> out = new HashMap<>();
    Set<String> documented = new HashSet<>();
    List<String> tables = List.of();
    for (String line : lines) {
      if (line.startsWith("#")) {
        // "## clean.events", or "### curated.event_identifiers and curated.event_profiles"
        List<String> named = new ArrayList<>();
        Matcher m = TABLE_NAME.matcher(line);
        while (m.find()) {
          named.add(m.group());
        }
        tables = named;
        documented.addAll(named);
        continue;
      }
      if (tables.isEmpty() || !line.startsWith("|")) {
        continue;
      }
      String[] cells = line.split("\\|", -1);
      if (cells.length < 4) {
        continue;
      }
      String names = cells[1].trim();
      String meaning = clean(cells[3]);
      if (names.equals("Column") || names.startsWith("---")) {
        continue;
      }
      for (String table : tables) {
        for (String name : names.split(",")) {
          out.computeIfAbsent(table, t -> new HashMap<>()).put(name.trim(), meaning);
        }
      }
    }
    return new TableDocs(out, Set.copyOf(documented));
  }

  /** The documented meaning of a column, empty when the document gives none. */
  public Optional<String> meaning(String table, String column) {
    return Optional.ofNullable(byTable.getOrDefault(table, Map.of()).get(column))
        .filter(m -> !m.isBlank());
  }

  /** Whether the document has a table of that name. */
  public boolean documents(String table) {
    return documented.contains(table);
  }

  private static String clean(String cell) {
    String text = cell.replace("`", "").replace("**", "").replaceAll("\\s+", " ").trim();
    return text.length() <= MAX_COMMENT ? text : text.substring(0, MAX_COMMENT - 1) + "…";
  }
}
