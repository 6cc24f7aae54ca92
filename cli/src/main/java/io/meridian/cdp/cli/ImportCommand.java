package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.Problem;
import io.meridian.cdp.ingest.IngestService;
import io.meridian.cdp.tenant.SourceRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import files of calls into a tenant's source, then run the pipeline.",
      "JSONL (.jsonl, .ndjson, .json): one Segment call per line.",
      "CSV (.csv): a header row; one call per row. Columns named userId/user_id, anonymousId,"
          + " messageId, timestamp, event, groupId map to those fields; other columns become"
          + " traits (identify, group) or properties (track, page, screen). --map overrides."
    })
final class ImportCommand implements Callable<Integer> {
  private static final int BATCH = 1_000;
  private static final int SHOWN_PROBLEMS = 10;
  private static final Map<String, String> WELL_KNOWN =
      Map.ofEntries(
          Map.entry("userid", "userId"),
          Map.entry("user_id", "userId"),
          Map.entry("anonymousid", "anonymousId"),
          Map.entry("anonymous_id", "anonymousId"),
          Map.entry("messageid", "messageId"),
          Map.entry("message_id", "messageId"),
          Map.entry("timestamp", "timestamp"),
          Map.entry("event", "event"),
          Map.entry("groupid", "groupId"),
          Map.entry("group_id", "groupId"),
          Map.entry("type", "type"));

  enum Format {
    auto,
    jsonl,
    csv
  }

  @Mixin Options options;
  @Spec CommandSpec spec;

  @Option(names = "--tenant", required = true, paramLabel = "T", description = "Tenant id")
  String tenant;

  @Option(names = "--source", required = true, paramLabel = "S", description = "Source id")
  String source;

  @Option(
      names = "--format",
      description = "auto (by extension), jsonl or csv. Default: ${DEFAULT-VALUE}",
      defaultValue = "auto")
  Format format;

  @Option(
      names = "--type",
      description =
          "CSV: call type of every row unless a type column exists. Default: ${DEFAULT-VALUE}",
      defaultValue = "identify")
  String type;

  @Option(names = "--event", description = "CSV: event name for track rows without an event column")
  String event;

  @Option(
      names = "--map",
      paramLabel = "COLUMN=PATH",
      description =
          "CSV: put COLUMN at PATH, e.g. --map mail=traits.email --map crm=context.externalIds")
  Map<String, String> mappings = new LinkedHashMap<>();

  @Option(
      names = "--no-run",
      description = "Only store the calls durably; process them later with `cdp run`")
  boolean noRun;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to import")
  List<Path> files;

  private long stored;
  private long invalid;
  private long skippedRows;
  private final List<String> problems = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new Cdp.UserError("no such file: " + f);
      }
    }
    try (LocalRuntime rt = LocalRuntime.open(options, out)) {
      if (rt.tenants().tenant(tenant).flatMap(t -> t.source(source)).isEmpty()) {
        throw new Cdp.UserError(
            "no source '"
                + source
                + "' for tenant '"
                + tenant
                + "'; add it with: cdp sources add --tenant "
                + tenant
                + " "
                + source);
      }
      SourceRef ref = new SourceRef(tenant, source);
      IngestService ingest = rt.ingest();
      Progress progress = new Progress(err, files.stream().mapToLong(ImportCommand::size).sum());
      for (Path f : files) {
        Format fmt = format != Format.auto ? format : byExtension(f);
        if (fmt == Format.csv) {
          importCsv(f, ref, ingest, rt, progress);
        } else {
          importJsonl(f, ref, ingest, rt, progress);
        }
      }
      progress.done();
      out.printf(
          "Imported %d calls from %d file(s) into %s/%s: %d valid, %d to quarantine; %d rows skipped.%n",
          stored, files.size(), tenant, source, stored - invalid, invalid, skippedRows);
      for (String p : problems) {
        out.println("  " + p);
      }
      if (problems.size() < invalid + skippedRows) {
        out.println("  ... and " + (invalid + skippedRows - problems.size()) + " more");
      }
      if (!noRun) {
        RunReport report = rt.pipeline().runOnce();
        out.print(report.toTable());
      }
      out.flush();
      return skippedRows > 0 ? 1 : 0;
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  private static Format byExtension(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".csv")) {
      return Format.csv;
    }
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
      return Format.jsonl;
    }
    throw new Cdp.UserError(
        "cannot tell the format of "
            + f
            + " from its extension; use --format jsonl or --format csv");
  }

  private static Reader utf8(Path f) throws IOException {
    return new BufferedReader(
        new java.io.InputStreamReader(
            Files.newInputStream(f),
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)),
        1 << 16);
  }

  private void importJsonl(
      Path f, SourceRef ref, IngestService ingest, LocalRuntime rt, Progress progress)
      throws IOException {
    List<String> batch = new ArrayList<>(BATCH);
    List<Integer> lineNos = new ArrayList<>(BATCH);
    try (BufferedReader in = (BufferedReader) utf8(f)) {
      String line;
      int lineNo = 0;
      while ((line = readLine(in, f, lineNo + 1)) != null) {
        lineNo++;
        progress.advance(line.length() + 1);
        if (line.isBlank()) {
          continue;
        }
        batch.add(line);
        lineNos.add(lineNo);
        if (batch.size() == BATCH) {
          flush(f, ref, ingest, rt, batch, lineNos);
        }
      }
    }
    flush(f, ref, ingest, rt, batch, lineNos);
  }

  private static String readLine(BufferedReader in, Path f, int lineNo) throws IOException {
    try {
      return in.readLine();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new Cdp.UserError(f + " is not valid UTF-8 (near line " + lineNo + ")");
    }
  }

  private void importCsv(
      Path f, SourceRef ref, IngestService ingest, LocalRuntime rt, Progress progress)
      throws IOException {
    CsvMapper csv = new CsvMapper();
    csv.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    List<String> batch = new ArrayList<>(BATCH);
    List<Integer> lineNos = new ArrayList<>(BATCH);
    try (Reader in = utf8(f);
        MappingIterator<String[]> rows = csv.readerFor(String[].class).readValues(in)) {
      if (!rows.hasNext()) {
        throw new Cdp.UserError(f + " is empty; a CSV import needs a header row");
      }
      String[] header = rows.next();
      List<String> paths = columnPaths(f, header);
      int rowNo = 1;
      while (rows.hasNext()) {
        // Where the row starts: once it is read, the parser stands at the start of the next line.
        int lineNo = rows.getCurrentLocation().getLineNr();
        String[] row;
        try {
          row = rows.next();
        } catch (RuntimeException e) {
          throw new Cdp.UserError(
              f + ": unreadable CSV after row " + rowNo + ": " + e.getMessage());
        }
        rowNo++;
        progress.advance(String.join(",", row).length() + 1);
        if (row.length == 1 && row[0].isEmpty()) {
          continue;
        }
        if (row.length != header.length) {
          skippedRows++;
          note(
              f
                  + " line "
                  + lineNo
                  + ": "
                  + row.length
                  + " fields, but the header has "
                  + header.length
                  + "; row skipped");
          continue;
        }
        batch.add(rowToCall(header, paths, row));
        lineNos.add(lineNo);
        if (batch.size() == BATCH) {
          flush(f, ref, ingest, rt, batch, lineNos);
        }
      }
    }
    flush(f, ref, ingest, rt, batch, lineNos);
  }

  private List<String> columnPaths(Path f, String[] header) {
    List<String> names = List.of(header);
    for (String col : mappings.keySet()) {
      if (!names.contains(col)) {
        throw new Cdp.UserError(
            "--map names column '"
                + col
                + "', which "
                + f
                + " does not have (columns: "
                + String.join(", ", names)
                + ")");
      }
    }
    String bag = type.equals("identify") || type.equals("group") ? "traits." : "properties.";
    List<String> paths = new ArrayList<>();
    for (String col : header) {
      String path = mappings.get(col);
      if (path == null) {
        path = WELL_KNOWN.get(col.toLowerCase(Locale.ROOT));
      }
      if (path == null) {
        path = bag + col;
      }
      paths.add(path);
    }
    return paths;
  }

  private String rowToCall(String[] header, List<String> paths, String[] row) {
    ObjectNode call = Json.MAPPER.createObjectNode();
    call.put("type", type);
    if (event != null) {
      call.put("event", event);
    }
    for (int i = 0; i < header.length; i++) {
      String value = row[i];
      if (value == null || value.isEmpty()) {
        continue;
      }
      String path = paths.get(i);
      String[] parts = path.split("\\.");
      ObjectNode target = call;
      for (int p = 0; p < parts.length - 1; p++) {
        target =
            target.has(parts[p]) && target.get(parts[p]).isObject()
                ? (ObjectNode) target.get(parts[p])
                : target.putObject(parts[p]);
      }
      String leaf = parts[parts.length - 1];
      if (parts.length > 1) {
        putTyped(target, leaf, value);
      } else {
        target.put(leaf, value);
      }
    }
    return call.toString();
  }

  /** Numbers and booleans inside traits/properties become JSON numbers and booleans. */
  private static void putTyped(ObjectNode target, String key, String value) {
    if (value.equals("true") || value.equals("false")) {
      target.put(key, Boolean.parseBoolean(value));
    } else if (value.matches("-?(0|[1-9]\\d{0,17})")) {
      target.put(key, Long.parseLong(value));
    } else if (value.matches("-?(0|[1-9]\\d*)\\.\\d+")) {
      target.put(key, new java.math.BigDecimal(value));
    } else {
      target.put(key, value);
    }
  }

  private void flush(
      Path f,
      SourceRef ref,
      IngestService ingest,
      LocalRuntime rt,
      List<String> batch,
      List<Integer> lineNos)
      throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    IngestService.TrustedResult r =
        ingest.ingestTrusted(
            ref, batch, rt.clock().instant(), "import-" + java.util.UUID.randomUUID());
    stored += r.stored();
    invalid += r.problems().size();
    for (Map.Entry<Integer, Problem> p : r.problems().entrySet()) {
      note(
          f
              + " line "
              + lineNos.get(p.getKey())
              + ": "
              + p.getValue().code()
              + ": "
              + p.getValue().message());
    }
    batch.clear();
    lineNos.clear();
  }

  private void note(String problem) {
    if (problems.size() < SHOWN_PROBLEMS) {
      problems.add(problem);
    }
  }

  /** A progress bar on standard error. */
  private static final class Progress {
    private final PrintWriter err;
    private final long total;
    private long done;
    private int shown = -1;

    Progress(PrintWriter err, long total) {
      this.err = err;
      this.total = Math.max(1, total);
    }

    void advance(long bytes) {
      done += bytes;
      int pct = (int) Math.min(100, done * 100 / total);
      if (pct != shown) {
        shown = pct;
        int bars = pct / 4;
        err.print("\rimporting [" + "#".repeat(bars) + " ".repeat(25 - bars) + "] " + pct + "%");
        err.flush();
      }
    }

    void done() {
      if (shown >= 0) {
        err.println();
        err.flush();
      }
    }
  }
}
