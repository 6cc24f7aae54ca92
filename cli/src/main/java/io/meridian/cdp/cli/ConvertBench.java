package io.meridian.cdp.cli;

import io.meridian.cdp.accounting.StageCounts;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.local.LocalFileObjectStore;
import io.meridian.cdp.raw.RawZoneWriter;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Raw → clean conversion speed and output size, beside DuckDB converting the same calls from JSON
 * Lines to ZSTD Parquet ({@code read_json} → {@code COPY … TO}) in the same run.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description =
        "Raw-to-clean conversion of N Segment-style events, beside DuckDB on the same input.")
final class ConvertBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      description = "Events to convert. Default: ${DEFAULT-VALUE}",
      defaultValue = "1000000")
  int events;

  @Option(names = "--keep", description = "Keep the generated files (printed path)")
  boolean keep;

  @Option(
      names = "--threads",
      description =
          "Also convert the same raw objects again with this many threads, one object per thread at"
              + " a time (1: skip). Default: ${DEFAULT-VALUE}",
      defaultValue = "1")
  int threads;

  @Option(
      names = "--clock-jitter-ms",
      description =
          "Spread each call's originalTimestamp and sentAt randomly over this many milliseconds, as"
              + " devices' clocks and queues do (0: evenly spaced, identical times). Default:"
              + " ${DEFAULT-VALUE}",
      defaultValue = "0")
  int clockJitterMs;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (events < 1 || threads < 1 || clockJitterMs < 0) {
      throw new Cdp.UserError(
          "--events and --threads must be at least 1, --clock-jitter-ms at least 0");
    }
    Path dir = Files.createTempDirectory("cdp-bench-convert");
    try {
      out.printf(
          "cdp bench convert: %,d events, %d cores, Java %s, max heap %d MB%n",
          events,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() >> 20);
      LocalFileObjectStore lake = new LocalFileObjectStore(dir.resolve("lake"));
      Path jsonl = dir.resolve("calls.jsonl");
      long inputBytes = generate(lake, jsonl);
      out.printf(
          "input: %,d calls, %,d bytes of JSON Lines (%d raw objects of %,d)%n",
          events, inputBytes, lake.list(LakeLayout.RAW).size(), CHUNK);
      out.flush();

      // Cold: the first pass in this JVM, as a fresh process (or a Lambda's first objects) sees
      // it; the JIT compiler works on the other core meanwhile. Warm: the same raw objects
      // converted again into a fresh lake in the same JVM (steady state, as a Lambda that
      // converts object after object sees it). DuckDB runs between and after them, once each.
      HeapPeaks.reset();
      Pass cold = convertAll(lake);
      long peakHeap = HeapPeaks.peak();
      Pass duck1 = duckdb(jsonl, dir.resolve("duck-1.parquet"), 1);
      long duckBytes = Files.size(dir.resolve("duck-1.parquet"));
      Pass warm = convertAll(copyRaw(dir, "lake-warm"));
      Pass duck2 = duckdb(jsonl, dir.resolve("duck-2.parquet"), 1);
      int cores = Runtime.getRuntime().availableProcessors();
      Pass duckN = duckdb(jsonl, dir.resolve("duck-n.parquet"), cores);

      out.printf(
          "cdp raw->clean, 1 thread, cold (first pass in this JVM):%n"
              + "  %7.2f s wall  %,10.0f events/s  CPU %.2f s process (JIT and GC included),"
              + " %.2f s converting thread  output %,d bytes%n    (%,d rows; validated, normalized, de-duplicated)%n",
          cold.wall, events / cold.wall, cold.cpu, cold.threadCpu, cold.bytes, cold.rows);
      out.printf(
          "cdp raw->clean, 1 thread, warm (second pass, same JVM, fresh lake):%n"
              + "  %7.2f s wall  %,10.0f events/s  CPU %.2f s process, %.2f s converting thread"
              + "  output %,d bytes%n    (%,d rows; validated, normalized, de-duplicated)%n",
          warm.wall, events / warm.wall, warm.cpu, warm.threadCpu, warm.bytes, warm.rows);
      out.printf(
          "DuckDB read_json->COPY, 1 thread, run 1: %7.2f s wall  %,10.0f events/s  CPU %.2f s"
              + "  output %,d bytes%n",
          duck1.wall, events / duck1.wall, duck1.cpu, duckBytes);
      out.printf(
          "DuckDB read_json->COPY, 1 thread, run 2: %7.2f s wall  %,10.0f events/s  CPU %.2f s%n",
          duck2.wall, events / duck2.wall, duck2.cpu);
      out.printf(
          "DuckDB read_json->COPY, %d threads:      %7.2f s wall  %,10.0f events/s%n",
          cores, duckN.wall, events / duckN.wall);
      if (threads > 1) {
        double parallel = parallel(dir, threads);
        out.printf(
            "cdp raw->clean (%d threads): %7.2f s  %,10.0f events/s%n",
            threads, parallel, events / parallel);
      }
      out.printf(
          "ratio per core, cold (DuckDB run 1 / cdp cold): wall %.2f, process CPU %.2f   (goal >="
              + " 1.0)%n",
          duck1.wall / cold.wall, duck1.cpu / cold.cpu);
      out.printf(
          "ratio per core, warm (DuckDB run 2 / cdp warm): wall %.2f, process CPU %.2f, converting"
              + " thread CPU %.2f%n",
          duck2.wall / warm.wall, duck2.cpu / warm.cpu, duck2.cpu / warm.threadCpu);
      out.printf(
          "output size cdp / DuckDB: %.2f   (goal within 10%%: 0.90..1.10)%n",
          (double) cold.bytes / duckBytes);
      out.printf("peak heap during the cold pass: %d MB%n", peakHeap >> 20);
      if (keep) {
        out.println("files kept in " + dir);
      }
    } finally {
      if (!keep) {
        IngestBench.deleteTree(dir);
      }
    }
    out.flush();
    return 0;
  }

  static final int CHUNK = 10_000;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** CPU time of the whole process (every thread, the JIT compiler and GC included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Converts a copy of the raw objects with {@code n} threads, each converting one whole object at
   * a time (as separate Lambda invocations would); returns the wall-clock seconds.
   */
  private double parallel(Path dir, int n) throws Exception {
    LocalFileObjectStore lake = copyRaw(dir, "lake-parallel");
    RawToClean converter =
        new RawToClean(
            lake,
            new ObjectStoreDedupIndex(lake),
            t -> "US",
            new SegmentCallValidator(),
            dir.resolve("work-parallel"),
            Clock.systemUTC());
    List<String> pending = converter.pending();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      long t0 = System.nanoTime();
      List<Future<StageCounts>> done = new ArrayList<>();
      for (String key : pending) {
        done.add(pool.submit(() -> converter.convert(key)));
      }
      for (Future<StageCounts> f : done) {
        f.get();
      }
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  private long generate(LocalFileObjectStore lake, Path jsonl) throws Exception {
    Random r = new Random(7);
    // A generator of its own, so that the calls without jitter stay those of earlier runs.
    Random jitter = new Random(8);
    RawZoneWriter writer = new RawZoneWriter(lake, Clock.systemUTC());
    Instant received = Instant.parse("2026-11-24T10:00:00Z");
    String[] events = {
      "Product Viewed", "Product Added", "Order Completed", "Signed Up", "Checkout Started"
    };
    long bytes = 0;
    try (BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
      List<Envelope> chunk = new ArrayList<>(CHUNK);
      for (int i = 0; i < this.events; i++) {
        String call = call(r, i, events, jitter);
        w.write(call);
        w.write('\n');
        bytes += call.length() + 1;
        chunk.add(
            new Envelope(
                "bench",
                "web",
                "m-" + i,
                null,
                received.plusMillis(i / 50),
                "req-" + (i / 100),
                null,
                call));
        if (chunk.size() == CHUNK) {
          writer.write(chunk, String.format("bench-%08d", i / CHUNK));
          chunk.clear();
        }
      }
      if (!chunk.isEmpty()) {
        writer.write(chunk, String.format("bench-%08d", this.events / CHUNK));
      }
    }
    return bytes;
  }

  private String call(Random r, int i, String[] events, Random jitter) {
    int person = r.nextInt(200_000);
    Instant original = Instant.parse("2026-11-24T09:00:00Z").plusMillis(i * 3L);
    Instant sent = original;
    if (clockJitterMs > 0) {
      original = original.minusMillis(jitter.nextInt(clockJitterMs));
      sent = sent.plusMillis(jitter.nextInt(clockJitterMs));
    }
    String ts = original.toString();
    String sentAt = sent.toString();
    return switch (r.nextInt(10)) {
      case 0 ->
          "{\"type\":\"identify\",\"messageId\":\"m-"
              + i
              + "\",\"userId\":\"u-"
              + person
              + "\",\"anonymousId\":\"a-"
              + person
              + "\",\"traits\":{\"email\":\" User"
              + person
              + "@Example.com\",\"phone\":\"(415) 555-"
              + (1000 + person % 9000)
              + "\",\"plan\":\"pro\"},"
              + tail(person, ts, sentAt, "");
      case 1, 2, 3 ->
          "{\"type\":\"page\",\"messageId\":\"m-"
              + i
              + "\",\"anonymousId\":\"a-"
              + person
              + "\",\"name\":\"Product\",\"properties\":{\"url\":\"https://shop.example.com/p/"
              + r.nextInt(5000)
              + "\",\"title\":\"Product\",\"referrer\":\"https://www.google.com/\"},"
              + tail(person, ts, sentAt, "\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64)\",");
      default ->
          "{\"type\":\"track\",\"messageId\":\"m-"
              + i
              + "\",\"userId\":\"u-"
              + person
              + "\",\"anonymousId\":\"a-"
              + person
              + "\",\"event\":\""
              + events[r.nextInt(events.length)]
              + "\",\"properties\":{\"product_id\":\"p-"
              + r.nextInt(5000)
              + "\",\"price\":"
              + (r.nextInt(20000) / 100.0)
              + ",\"currency\":\"USD\",\"quantity\":"
              + (1 + r.nextInt(3))
              + "},"
              + tail(person, ts, sentAt, "");
    };
  }

  /** The part every generated call shares: context (with optional extra fields) and times. */
  private static String tail(int person, String ts, String sentAt, String extraContext) {
    return "\"context\":{\"ip\":\"203.0.113."
        + (person % 250)
        + "\","
        + extraContext
        + "\"library\":{\"name\":\"analytics.js\",\"version\":\"2.11.1\"}},"
        + "\"originalTimestamp\":\""
        + ts
        + "\",\"sentAt\":\""
        + sentAt
        + "\"}";
  }

  /** What one conversion took: wall and CPU seconds, and (for cdp) rows and bytes written. */
  private record Pass(double wall, double cpu, double threadCpu, long rows, long bytes) {}

  /** Converts every pending raw object of {@code lake} on this thread. */
  private static Pass convertAll(LocalFileObjectStore lake) throws Exception {
    RawToClean converter =
        new RawToClean(
            lake,
            new ObjectStoreDedupIndex(lake),
            t -> "US",
            new SegmentCallValidator(),
            lake.root().resolveSibling(lake.root().getFileName() + "-work"),
            Clock.systemUTC());
    List<String> pending = converter.pending();
    long cpu0 = processCpuNanos();
    long thread0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long rows = 0;
    for (String key : pending) {
      StageCounts c = converter.convert(key);
      rows += c.output();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double threadCpu = (THREADS.getCurrentThreadCpuTime() - thread0) / 1e9;
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    return new Pass(
        wall, cpu, threadCpu, rows, sizeOf(lake.root().resolve(LakeLayout.CLEAN_EVENTS)));
  }

  /** A new lake under {@code dir} holding a copy of the raw objects of {@code dir/lake}. */
  private static LocalFileObjectStore copyRaw(Path dir, String name) throws Exception {
    Path copy = dir.resolve(name);
    Path raw = dir.resolve("lake").resolve(LakeLayout.RAW);
    try (Stream<Path> files = Files.walk(raw)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = copy.resolve(LakeLayout.RAW).resolve(raw.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
    return new LocalFileObjectStore(copy);
  }

  private static Pass duckdb(Path jsonl, Path target, int threads) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET threads = " + threads);
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      s.execute(
          "COPY (SELECT * FROM read_json('"
              + jsonl.toString().replace("'", "''")
              + "', format = 'newline_delimited')) TO '"
              + target.toString().replace("'", "''")
              + "' (FORMAT parquet, COMPRESSION zstd)");
      double wall = (System.nanoTime() - t0) / 1e9;
      return new Pass(wall, (processCpuNanos() - cpu0) / 1e9, 0, 0, Files.size(target));
    }
  }

  private static long sizeOf(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
