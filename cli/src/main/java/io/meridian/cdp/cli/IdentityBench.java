package io.meridian.cdp.cli;

import static io.meridian.cdp.parquet.Column.optional;
import static io.meridian.cdp.parquet.Column.required;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import io.meridian.cdp.identity.IdentityGraph;
import io.meridian.cdp.identity.IdentityGraphFile;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.IdentityRules.IdentifierRule;
import io.meridian.cdp.parquet.ColumnType;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import io.meridian.cdp.parquet.TableSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Identity-graph speed: the linking algorithm alone, end to end from a clean-events-like Parquet to
 * the identity_graph Parquet, an incremental batch into the built graph, and DuckDB computing the
 * same connected components in SQL (iterative min-label propagation) in the same run.
 */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    description = "Identity-graph linking speed and memory, beside DuckDB connected components.")
final class IdentityBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--links",
      description = "Identifier links (events of two identifiers). Default: ${DEFAULT-VALUE}",
      defaultValue = "10000000")
  int links;

  @Option(
      names = "--incremental",
      description = "Links of the incremental batch. Default: ${DEFAULT-VALUE}",
      defaultValue = "100000")
  int incremental;

  @Option(names = "--no-duckdb", description = "Skip the DuckDB comparison")
  boolean noDuckdb;

  @Option(
      names = "--prefetch",
      description =
          "Prefetch the identifiers of the event a few places ahead of the one linked"
              + " (IdentityGraph.prefetch); no measurable gain so far, see docs/BENCHMARKS.md")
  boolean prefetch;

  @Option(
      names = "--zstd-level",
      description = "ZSTD level of the identity_graph file. Default: ${DEFAULT-VALUE}",
      defaultValue = "1")
  int zstdLevel;

  static final int USER = 0;
  static final int EMAIL = 1;
  static final int ANON = 3;
  static final String[] TYPE_NAMES = {"user_id", "email", "phone", "anonymous_id"};
  static final long T0 = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() * 1_000_000L;

  /** The input: clean-events-like rows with the identifier columns only. */
  static final TableSchema INPUT =
      new TableSchema(
          "events",
          List.of(
              required("message_id", ColumnType.STRING).withoutDictionary(),
              required("received_at", ColumnType.TIMESTAMP).withoutDictionary(),
              optional("user_id", ColumnType.STRING).withoutDictionary(),
              optional("email", ColumnType.STRING).withoutDictionary(),
              optional("anonymous_id", ColumnType.STRING).withoutDictionary()));

  // generated graph: node values and types, links as pairs of node indices (higher priority first)
  // the values' UTF-8 bytes back to back: value v is pool[at[v], at[v + 1])
  private byte[] pool = new byte[1 << 20];
  private int[] at = new int[(1 << 20) + 1];
  private int count;
  private byte[] types = new byte[1 << 20];
  private int[] la;
  private int[] lb;
  private int persons;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("cdp-bench-identity");
    try {
      out.printf(
          "cdp bench identity: %,d links, %d cores, Java %s, max heap %d MB, huge pages %s%n",
          links,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() >> 20,
          hugePages());
      generate(new Random(11));
      out.printf(
          "generated: %,d identifiers of %,d people; component sizes as described in"
              + " docs/BENCHMARKS.md%n",
          count, persons);
      Path input = dir.resolve("events.parquet");
      writeInput(input);
      out.printf("input: %s, %,d bytes%n", input.getFileName(), Files.size(input));
      out.flush();

      // (1) the algorithm alone, identifiers already in memory
      streamLinks();
      pool = null;
      at = null;
      HeapPeaks.reset();
      IdentityGraph g = new IdentityGraph("bench", IdentityRules.defaults());
      long t = System.nanoTime();
      long c0 = threadCpu();
      linkAll(g);
      double core = seconds(t);
      double coreCpu = (threadCpu() - c0) / 1e9;
      out.printf(
          "(1) core, default rules      : %6.2f s  %,12.0f links/s; thread CPU %.2f s = %,.0f links"
              + " per CPU-second  (%,d identifiers, %,d profiles, %,d merges, %,d refused)  peak"
              + " heap %,d MB%n",
          core,
          links / core,
          coreCpu,
          links / coreCpu,
          g.identifierCount(),
          g.profileCount(),
          g.merges().size(),
          g.blocks().size(),
          HeapPeaks.peak() >> 20);
      int constrainedProfiles = g.profileCount();
      if (g.identifierCount() != count) {
        out.printf(
            "    WARNING: %,d identifiers generated, %,d linked%n", count, g.identifierCount());
      }
      g = null;
      HeapPeaks.reset();
      IdentityGraph free = new IdentityGraph("bench", unbounded());
      t = System.nanoTime();
      c0 = threadCpu();
      linkAll(free);
      double coreFree = seconds(t);
      double coreFreeCpu = (threadCpu() - c0) / 1e9;
      int components = free.profileCount();
      out.printf(
          "(1) core, limits not binding : %6.2f s  %,12.0f links/s; thread CPU %.2f s = %,.0f"
              + " links per CPU-second  (%,d components)%n",
          coreFree, links / coreFree, coreFreeCpu, links / coreFreeCpu, components);
      free = null;
      // keep only what the incremental batch needs
      stream = null;
      at2 = null;
      la = null;
      lb = null;
      types = null;
      out.flush();

      // (2) end to end: read the Parquet input, link, write identity_graph
      HeapPeaks.reset();
      long baseline = usedAfterGc();
      IdentityGraph graph = new IdentityGraph("bench", IdentityRules.defaults());
      t = System.nanoTime();
      long p0 = processCpu();
      long rows = readAndLink(input, graph);
      double readLink = seconds(t);
      double readLinkCpu = (processCpu() - p0) / 1e9;
      long t2 = System.nanoTime();
      long p2 = processCpu();
      Path graphFile = dir.resolve("identity_graph.parquet");
      writeGraph(graph, graphFile);
      double write = seconds(t2);
      double writeCpu = (processCpu() - p2) / 1e9;
      double e2e = seconds(t);
      long peak = HeapPeaks.peak();
      long graphBytes = usedAfterGc() - baseline;
      out.printf(
          "(2) end to end               : %6.2f s  (read + link %.2f s, write identity_graph %.2f s,"
              + " %,d bytes)  %,d rows, %,d identifiers, %,d profiles%n",
          e2e,
          readLink,
          write,
          Files.size(graphFile),
          rows,
          graph.identifierCount(),
          graph.profileCount());
      out.printf(
          "    process CPU: read + link %.2f s, write %.2f s (all threads, GC and JIT included)%n",
          readLinkCpu, writeCpu);
      out.printf(
          "    peak heap %,d MB; graph retained %,d MB = %.0f bytes per identifier%n",
          peak >> 20, graphBytes >> 20, (double) graphBytes / graph.identifierCount());
      if (graph.profileCount() != constrainedProfiles || graph.identifierCount() != count) {
        out.println("    WARNING: profile or identifier count differs from the in-memory run");
      }
      out.flush();

      // (3) incremental: a new batch into the built graph
      List<Identifier[]> batch = incrementalBatch(new Random(12));
      int mergesBefore = graph.merges().size();
      HeapPeaks.reset();
      t = System.nanoTime();
      long ts = T0 + (links + 1L) * 10;
      for (int i = 0; i < batch.size(); i++) {
        graph.link(Arrays.asList(batch.get(i)), "n" + (1_000_000_000 + i), "track", ts + i, ts + i);
      }
      double inc = seconds(t);
      t2 = System.nanoTime();
      writeGraph(graph, dir.resolve("identity_graph-2.parquet"));
      double incWrite = seconds(t2);
      out.printf(
          "(3) incremental %,d links : in memory %.3f s (%,.0f links/s); with the new"
              + " identity_graph snapshot %.2f s; %,d identifiers, %,d profiles, %,d new merges;"
              + " peak heap %,d MB%n",
          batch.size(),
          inc,
          batch.size() / inc,
          inc + incWrite,
          graph.identifierCount(),
          graph.profileCount(),
          graph.merges().size() - mergesBefore,
          HeapPeaks.peak() >> 20);
      graph = null;
      out.flush();

      // (4) DuckDB: connected components by iterative label propagation on the same input
      if (!noDuckdb) {
        for (int threads : new int[] {1, Runtime.getRuntime().availableProcessors()}) {
          long[] duck = duckdb(input, threads);
          double duckSeconds = duck[0] / 1e9;
          out.printf(
              "(4) DuckDB, %d thread(s)       : %6.2f s  %,d components in %d label-propagation"
                  + " rounds; same as ours (limits not binding): %s; DuckDB time / our read+link"
                  + " time: %.2f%n",
              threads,
              duckSeconds,
              duck[1],
              duck[2],
              duck[1] == components ? "yes" : "NO (ours " + components + ")",
              duckSeconds / readLink);
          out.flush();
        }
      }
    } finally {
      IngestBench.deleteTree(dir);
    }
    out.flush();
    return 0;
  }

  private static IdentityRules unbounded() {
    List<IdentifierRule> ids = new ArrayList<>();
    for (String type : TYPE_NAMES) {
      ids.add(new IdentifierRule(type, 10_000, null, null));
    }
    return new IdentityRules(ids, null, null, null);
  }

  private int node(int type, String value) {
    int n = count;
    if (n == types.length) {
      types = Arrays.copyOf(types, n * 2);
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (n + 1 == at.length) {
      at = Arrays.copyOf(at, at.length * 2);
    }
    int end = at[n] + utf8.length;
    if (end > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(end, pool.length * 2));
    }
    System.arraycopy(utf8, 0, pool, at[n], utf8.length);
    at[n + 1] = end;
    count++;
    types[n] = (byte) type;
    return n;
  }

  /**
   * People until there are {@code links} links: 85% customers with a user id, an email and 1-4
   * devices (50/30/15/5%), linked as (user, email) and (user, device) with 10% of device links sent
   * twice, 1% of customers also using the last device of the person before them (a shared device,
   * where the user_id limit binds); 15% leads with one (email, device) link. Links are then
   * shuffled, as events of many people interleave.
   */
  private void generate(Random r) {
    la = new int[links];
    lb = new int[links];
    int n = 0;
    int lastDevice = -1;
    while (n < links) {
      int p = persons++;
      String email = "person." + p + "@example" + (p % 7) + ".com";
      if (r.nextInt(100) < 15) {
        int e = node(EMAIL, email);
        int a = node(ANON, uuid(r));
        la[n] = e;
        lb[n++] = a;
        lastDevice = a;
        continue;
      }
      int u = node(USER, "usr_" + p);
      int roll = r.nextInt(100);
      int devices = roll < 50 ? 1 : roll < 80 ? 2 : roll < 95 ? 3 : 4;
      int[] own = new int[devices];
      if (n < links) {
        la[n] = u;
        lb[n++] = node(EMAIL, email);
      }
      for (int d = 0; d < devices && n < links; d++) {
        own[d] = node(ANON, uuid(r));
        la[n] = u;
        lb[n++] = own[d];
        if (r.nextInt(10) == 0 && n < links) {
          la[n] = u;
          lb[n++] = own[d];
        }
      }
      if (r.nextInt(100) == 0 && lastDevice >= 0 && n < links) {
        la[n] = u;
        lb[n++] = lastDevice;
      }
      lastDevice = own[0];
    }
    for (int i = links - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int x = la[i];
      la[i] = la[j];
      la[j] = x;
      x = lb[i];
      lb[i] = lb[j];
      lb[j] = x;
    }
  }

  private static String uuid(Random r) {
    String h = Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong());
    h = h + "0".repeat(32 - h.length());
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20, 32);
  }

  private static String messageId(int i) {
    return "m" + (1_000_000_000L + i);
  }

  // the links' identifiers in link order, as events arrive: link i's are stream[at2[2i], at2[2i+1])
  // and stream[at2[2i+1], at2[2i+2]]
  private byte[] stream;
  private int[] at2;

  /** Lays the links' values out in link order, as a reader hands them over (not timed). */
  private void streamLinks() {
    at2 = new int[2 * links + 1];
    long total = 0;
    for (int i = 0; i < links; i++) {
      total += at[la[i] + 1] - at[la[i]] + at[lb[i] + 1] - at[lb[i]];
    }
    stream = new byte[Math.toIntExact(total)];
    int pos = 0;
    for (int i = 0; i < links; i++) {
      at2[2 * i] = pos;
      pos = copy(la[i], pos);
      at2[2 * i + 1] = pos;
      pos = copy(lb[i], pos);
    }
    at2[2 * links] = pos;
  }

  private int copy(int v, int pos) {
    int length = at[v + 1] - at[v];
    System.arraycopy(pool, at[v], stream, pos, length);
    return pos + length;
  }

  /** How many events ahead of the one linked their identifiers are prefetched. */
  static final int AHEAD = 8;

  private void linkAll(IdentityGraph g) {
    // AHEAD + 1 holders: the one linked and the AHEAD prefetched after it
    IdentityGraph.Ids[] ring = new IdentityGraph.Ids[AHEAD + 1];
    for (int k = 0; k <= AHEAD; k++) {
      ring[k] = new IdentityGraph.Ids();
    }
    byte[] message = new byte[11];
    for (int i = -AHEAD; i < links; i++) {
      int ahead = i + AHEAD;
      if (ahead < links) {
        IdentityGraph.Ids next = ring[ahead % (AHEAD + 1)].clear();
        next.add(types[la[ahead]], stream, at2[2 * ahead], at2[2 * ahead + 1] - at2[2 * ahead]);
        next.add(
            types[lb[ahead]], stream, at2[2 * ahead + 1], at2[2 * ahead + 2] - at2[2 * ahead + 1]);
        if (prefetch) {
          g.prefetch(next);
        }
      }
      if (i >= 0) {
        long ts = T0 + i * 10L;
        messageId(i, message);
        g.link(ring[i % (AHEAD + 1)], message, 0, message.length, "track", ts, ts);
      }
    }
  }

  /** {@link #messageId(int)} as UTF-8 into {@code out} (11 bytes). */
  private static void messageId(int i, byte[] out) {
    long v = 1_000_000_000L + i;
    for (int d = 10; d >= 1; d--) {
      out[d] = (byte) ('0' + v % 10);
      v /= 10;
    }
    out[0] = 'm';
  }

  private void writeInput(Path file) throws IOException {
    try (RowWriter w = ParquetFiles.create(INPUT, file)) {
      for (int i = 0; i < links; i++) {
        Object[] row = new Object[5];
        row[0] = messageId(i);
        row[1] = instant(T0 + i * 10L);
        for (int x : new int[] {la[i], lb[i]}) {
          row[types[x] == USER ? 2 : types[x] == EMAIL ? 3 : 4] =
              new String(pool, at[x], at[x + 1] - at[x], StandardCharsets.UTF_8);
        }
        w.write(row);
      }
    }
  }

  /**
   * Links every row of the input, which must be in the canonical order (checked), read column by
   * column; the next row group is decoded on the second core while this one is linked.
   */
  private long readAndLink(Path input, IdentityGraph graph) throws IOException {
    long[] last = {Long.MIN_VALUE};
    byte[][] lastId = {new byte[0]};
    int[] lastIdRange = {0, 0};
    // AHEAD + 1 holders: the one linked and the AHEAD prefetched after it
    IdentityGraph.Ids[] ring = new IdentityGraph.Ids[AHEAD + 1];
    for (int k = 0; k <= AHEAD; k++) {
      ring[k] = new IdentityGraph.Ids();
    }
    return ParquetFiles.forEachBatch(
        INPUT,
        input,
        true,
        batch -> {
          byte[] msg = batch.bytes(0);
          int[] msgAt = batch.offsets(0);
          long[] received = batch.longs(1);
          int rows = batch.rows();
          for (int i = -AHEAD; i < rows; i++) {
            int ahead = i + AHEAD;
            if (ahead < rows) {
              IdentityGraph.Ids next = ring[ahead % (AHEAD + 1)].clear();
              for (int c = 2; c <= 4; c++) {
                if (!batch.isNull(c, ahead)) {
                  int[] at = batch.offsets(c);
                  next.add(
                      c == 2 ? USER : c == 3 ? EMAIL : ANON,
                      batch.bytes(c),
                      at[ahead],
                      at[ahead + 1] - at[ahead]);
                }
              }
              if (prefetch) {
                graph.prefetch(next);
              }
            }
            if (i < 0) {
              continue;
            }
            long micros = received[i];
            int from = msgAt[i];
            int to = msgAt[i + 1];
            if (micros < last[0]
                || (micros == last[0]
                    && Arrays.compare(msg, from, to, lastId[0], lastIdRange[0], lastIdRange[1])
                        <= 0)) {
              throw new IllegalStateException(
                  "input is not in canonical order at "
                      + new String(msg, from, to - from, StandardCharsets.UTF_8));
            }
            last[0] = micros;
            lastId[0] = msg;
            lastIdRange[0] = from;
            lastIdRange[1] = to;
            graph.link(ring[i % (AHEAD + 1)], msg, from, to - from, "track", micros, micros);
          }
        });
  }

  private void writeGraph(IdentityGraph graph, Path file) throws IOException {
    IdentityGraphFile.write(
        graph,
        file,
        Runtime.getRuntime().availableProcessors(),
        new ParquetFiles.Options(zstdLevel, 64L << 20, 1 << 20));
  }

  /** 70% links of new people, 30% new devices of existing customers. */
  private List<Identifier[]> incrementalBatch(Random r) {
    List<Identifier[]> out = new ArrayList<>(incremental);
    for (int i = 0; i < incremental; i++) {
      Identifier device = new Identifier(ANON, uuid(r));
      if (r.nextInt(10) < 3) {
        out.add(new Identifier[] {new Identifier(USER, "usr_" + r.nextInt(persons)), device});
      } else {
        int p = persons + i;
        out.add(
            new Identifier[] {
              new Identifier(USER, "usr_" + p),
              new Identifier(EMAIL, "person." + p + "@example" + (p % 7) + ".com")
            });
      }
    }
    return out;
  }

  /** {elapsed ns, components, rounds}. */
  private static long[] duckdb(Path input, int threads) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET preserve_insertion_order = false");
      String file = input.toString().replace("'", "''");
      long t0 = System.nanoTime();
      // identifiers of each event in priority order; the first is linked to every other
      s.execute(
          "CREATE TABLE ev AS SELECT 'u:' || user_id AS u, 'e:' || email AS e,"
              + " 'a:' || anonymous_id AS a FROM read_parquet('"
              + file
              + "')");
      s.execute(
          "CREATE TABLE pairs AS SELECT coalesce(u, e) AS x, e AS y FROM ev WHERE u IS NOT NULL"
              + " AND e IS NOT NULL UNION ALL SELECT coalesce(u, e) AS x, a AS y FROM ev WHERE a IS"
              + " NOT NULL AND coalesce(u, e) IS NOT NULL");
      s.execute(
          "CREATE TABLE nodes AS SELECT v, (row_number() OVER ())::INTEGER AS id FROM (SELECT u AS"
              + " v FROM ev WHERE u IS NOT NULL UNION SELECT e FROM ev WHERE e IS NOT NULL UNION"
              + " SELECT a FROM ev WHERE a IS NOT NULL)");
      s.execute("DROP TABLE ev");
      s.execute(
          "CREATE TABLE edges AS SELECT nx.id AS s, ny.id AS d FROM pairs JOIN nodes nx ON"
              + " pairs.x = nx.v JOIN nodes ny ON pairs.y = ny.v");
      s.execute("DROP TABLE pairs");
      s.execute(
          "CREATE TABLE g AS SELECT s, d FROM edges UNION ALL SELECT d AS s, s AS d FROM edges");
      s.execute("CREATE TABLE lbl AS SELECT id, id AS label FROM nodes");
      long rounds = 0;
      while (true) {
        rounds++;
        s.execute(
            "CREATE TABLE nxt AS SELECT l.id, least(l.label, coalesce(m.label, l.label)) AS label"
                + " FROM lbl l LEFT JOIN (SELECT g.s AS id, min(n.label) AS label FROM g JOIN lbl n"
                + " ON g.d = n.id GROUP BY g.s) m ON l.id = m.id");
        long changed;
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM nxt JOIN lbl ON nxt.id = lbl.id WHERE nxt.label <>"
                    + " lbl.label")) {
          rs.next();
          changed = rs.getLong(1);
        }
        s.execute("DROP TABLE lbl");
        s.execute("ALTER TABLE nxt RENAME TO lbl");
        if (changed == 0) {
          break;
        }
      }
      long components;
      try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT label) FROM lbl")) {
        rs.next();
        components = rs.getLong(1);
      }
      return new long[] {System.nanoTime() - t0, components, rounds};
    }
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long threadCpu() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long usedAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Whether this JVM asks for transparent huge pages for its heap, and the kernel's mode: the
   * graph's lookups are random accesses into gigabytes, and huge pages cut their TLB misses (ADR
   * 0038). With the kernel in {@code madvise} mode only the JVM flag gets them (the launcher sets
   * it); a figure measured without them is not comparable.
   */
  static String hugePages() {
    String flag;
    try {
      flag =
          "true"
                  .equals(
                      java.lang.management.ManagementFactory.getPlatformMXBean(
                              com.sun.management.HotSpotDiagnosticMXBean.class)
                          .getVMOption("UseTransparentHugePages")
                          .getValue())
              ? "on"
              : "off";
    } catch (RuntimeException e) {
      flag = "unknown";
    }
    String kernel = "unknown";
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\\[(\\w+)]")
              .matcher(Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")));
      if (m.find()) {
        kernel = m.group(1);
      }
    } catch (java.io.IOException e) {
      // not Linux, or not readable: unknown
    }
    return "-XX:+UseTransparentHugePages " + flag + ", kernel " + kernel;
  }
}
