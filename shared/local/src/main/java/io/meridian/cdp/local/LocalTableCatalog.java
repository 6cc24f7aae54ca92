package io.meridian.cdp.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meridian.cdp.catalog.CatalogException;
import io.meridian.cdp.catalog.TableCatalog;
import io.meridian.cdp.catalog.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The catalog of local mode: a directory with one folder per database ({@code _database.json} holds
 * its description) and one JSON file per table ({@code <table>.json}, a {@link TableDefinition}),
 * each written whole and renamed into place, so a reader never sees half a table. It describes the
 * data directory's lake to a person or a tool the way the Glue Data Catalog describes the bucket;
 * the queries of local mode do not read it (DuckDB's views name the files themselves), see ADR
 * 0035.
 */
public final class LocalTableCatalog implements TableCatalog {
  private static final String DATABASE_FILE = "_database.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  /** The catalog in directory {@code root}, created on the first write. */
  public LocalTableCatalog(Path root) {
    this.root = root.toAbsolutePath();
  }

  @Override
  public Change ensureDatabase(String database, String description) {
    Path dir = root.resolve(TableDefinition.requireName("database", database));
    if (Files.isRegularFile(dir.resolve(DATABASE_FILE))) {
      return Change.UNCHANGED;
    }
    write(dir.resolve(DATABASE_FILE), Map.of("name", database, "description", description));
    return Change.CREATED;
  }

  @Override
  public Change register(TableDefinition table) {
    Path file = database(table.database()).resolve(table.name() + ".json");
    if (!Files.exists(file)) {
      write(file, table);
      return Change.CREATED;
    }
    if (read(file).equals(table)) {
      return Change.UNCHANGED;
    }
    write(file, table);
    return Change.UPDATED;
  }

  @Override
  public TableDefinition describe(String database, String table) {
    TableDefinition.requireName("table", table);
    Path file = database(database).resolve(table + ".json");
    if (!Files.exists(file)) {
      throw CatalogException.unknownTable(database, table);
    }
    return read(file);
  }

  @Override
  public List<String> tables(String database) {
    try (Stream<Path> files = Files.list(database(database))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".json") && !n.equals(DATABASE_FILE))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the catalog " + root, e);
    }
  }

  @Override
  public String toString() {
    return "local catalog " + root;
  }

  /** The folder of an existing database. */
  private Path database(String database) {
    Path dir = root.resolve(TableDefinition.requireName("database", database));
    if (!Files.isRegularFile(dir.resolve(DATABASE_FILE))) {
      throw CatalogException.unknownDatabase(database);
    }
    return dir;
  }

  private static TableDefinition read(Path file) {
    try {
      return JSON.readValue(file.toFile(), TableDefinition.class);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("table file " + file + " vanished while read", e);
    } catch (IOException e) {
      throw new UncheckedIOException("the catalog file " + file + " is unreadable", e);
    }
  }

  private static void write(Path file, Object value) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".json");
      try {
        JSON.writeValue(tmp.toFile(), value);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the catalog file " + file, e);
    }
  }
}
