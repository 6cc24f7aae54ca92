package io.meridian.cdp.identity;

import io.meridian.cdp.parquet.ParquetFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link IdentityGraph} as a {@code curated.identity_graph} Parquet file straight from
 * the graph's arrays: column by column, the identifier bytes from the graph's arenas and profile
 * ids formatted into a reused buffer, with row groups encoded and compressed on several threads
 * ({@link ParquetFiles#writeColumns}). Rows come in the order identifiers were first seen, as
 * {@link IdentityGraph#nodes()} gives them.
 */
public final class IdentityGraphFile {
  /** Rows per row group: a million rows is about 25 MB of compressed identity_graph. */
  static final int ROW_GROUP_ROWS = 1 << 20;

  private IdentityGraphFile() {}

  /**
   * ZSTD level 1: on identity_graph (random ids and hex profile ids) it gave both a smaller file
   * and less CPU than level 3 (docs/BENCHMARKS.md, identity resolution performance).
   */
  static final ParquetFiles.Options OPTIONS = new ParquetFiles.Options(1, 64L << 20, 1 << 20);

  /** Writes {@code graph} to {@code file} on {@code threads} threads, ZSTD level 1. */
  public static void write(IdentityGraph graph, Path file, int threads) throws IOException {
    write(graph, file, threads, OPTIONS);
  }

  /** Writes {@code graph} to {@code file} on {@code threads} threads with {@code options}. */
  public static void write(
      IdentityGraph graph, Path file, int threads, ParquetFiles.Options options)
      throws IOException {
    List<String> names =
        CuratedTables.IDENTITY_GRAPH.columns().stream()
            .map(io.meridian.cdp.parquet.Column::name)
            .toList();
    if (!names.equals(
        List.of(
            "identifier_type", "identifier", "profile_id", "first_seen", "last_seen", "shared"))) {
      throw new IllegalStateException("identity_graph columns changed: " + names);
    }
    int types = graph.rules().identifiers().size();
    byte[][] typeUtf8 = new byte[types][];
    for (int t = 0; t < types; t++) {
      typeUtf8[t] = graph.typeName(t).getBytes(StandardCharsets.UTF_8);
    }
    // After this, reading a node's profile writes nothing, so the columns can be made at once.
    graph.flatten();
    ParquetFiles.writeColumns(
        CuratedTables.IDENTITY_GRAPH,
        file,
        graph.identifierCount(),
        ROW_GROUP_ROWS,
        threads,
        options,
        (column, from, to, sink) -> {
          switch (column) {
            case 0 -> {
              for (int n = from; n < to; n++) {
                byte[] t = typeUtf8[graph.nodeType(n)];
                sink.bytes(t, 0, t.length);
              }
            }
            case 1 -> {
              for (int n = from; n < to; n++) {
                long slice = graph.valueSlice(n);
                sink.bytes(graph.valueChunk(n), (int) slice, (int) (slice >>> 32));
              }
            }
            case 2 -> {
              byte[] id = new byte[22];
              int last = -1;
              for (int n = from; n < to; n++) {
                int root = graph.rootOfNode(n);
                if (root != last) {
                  graph.profileIdBytes(root, id);
                  last = root;
                }
                sink.bytes(id, 0, id.length);
              }
            }
            case 3 -> {
              for (int n = from; n < to; n++) {
                sink.timestampMicros(graph.firstSeen(n));
              }
            }
            case 4 -> {
              for (int n = from; n < to; n++) {
                sink.timestampMicros(graph.lastSeen(n));
              }
            }
            default -> {
              for (int n = from; n < to; n++) {
                sink.bool(graph.sharedNode(n));
              }
            }
          }
        });
  }
}
