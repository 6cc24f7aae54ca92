package io.meridian.cdp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves that clean-zone Parquet written by the pipeline reads correctly outside the JVM. */
class ParquetInteropTest {
  private static final int EVENTS = 25;

  private static final String INSPECT =
      String.join(
          "\n",
          "import json, sys",
          "import pyarrow.parquet as pq",
          "f = pq.ParquetFile(sys.argv[1])",
          "table = f.read()",
          "md = f.metadata",
          "codecs = set()",
          "for g in range(md.num_row_groups):",
          "    for c in range(md.num_columns):",
          "        codecs.add(md.row_group(g).column(c).compression)",
          "def storage(t):",
          "    return str(getattr(t, 'storage_type', t))",
          "print(json.dumps({",
          "    'rows': table.num_rows,",
          "    'types': {f.name: str(f.type) for f in table.schema},",
          "    'storage': {f.name: storage(f.type) for f in table.schema},",
          "    'codecs': sorted(codecs),",
          "    'properties': [v for v in table.column('properties').to_pylist()],",
          "}))");

  @TempDir Path temp;

  static Path python() {
    return Path.of(TestPython.executable());
  }

  private Path cleanFileWrittenByThePipeline() throws IOException {
    LocalFileObjectStore lake = new LocalFileObjectStore(temp.resolve("lake"));
    List<Envelope> envelopes = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      envelopes.add(
          new Envelope(
              "acme",
              "web",
              "m-" + i,
              null,
              Instant.parse("2026-11-24T10:00:00Z").plusMillis(i),
              "req-1",
              null,
              "{\"type\":\"track\",\"userId\":\"u-"
                  + i
                  + "\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":"
                  + i
                  + ".5,\"currency\":\"EUR\"}}"));
    }
    try (Spool spool = new Spool(temp.resolve("spool"))) {
      spool.append(envelopes);
      RunReport report =
          new LocalPipeline(
                  spool,
                  lake,
                  () -> new Tenants(CdpConfig.empty()),
                  new SegmentCallValidator(),
                  temp.resolve("work"),
                  Clock.fixed(Instant.parse("2026-11-24T11:00:00Z"), ZoneOffset.UTC))
              .runOnce();
      assertThat(report.lines()).singleElement().extracting(RunReport.Line::clean).isEqualTo(25L);
    }
    try (Stream<Path> files = Files.walk(lake.root().resolve("clean/events"))) {
      List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet")).toList();
      assertThat(parquet).hasSize(1);
      return parquet.get(0);
    }
  }

  private JsonNode inspect(Path python, Path file) throws Exception {
    Path stderr = Files.createTempFile(temp, "pyarrow-", ".err");
    Process p =
        new ProcessBuilder(python.toString(), "-c", INSPECT, file.toString())
            .redirectError(stderr.toFile())
            .start();
    byte[] stdout = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("pyarrow did not finish within 60 s");
    }
    assertThat(p.exitValue())
        .as("pyarrow failed: %s", Files.readString(stderr, StandardCharsets.UTF_8))
        .isZero();
    return Json.MAPPER.readTree(stdout);
  }

  @Test
  void pyarrowReadsTheCleanEventsFileWithItsTypesAndZstdCompression() throws Exception {
    Path python = python();
    Path file = cleanFileWrittenByThePipeline();

    JsonNode result = inspect(python, file);

    assertThat(result.get("rows").asLong()).isEqualTo(EVENTS);
    JsonNode types = result.get("types");
    for (String ts : List.of("timestamp", "original_timestamp", "sent_at", "received_at")) {
      assertThat(types.get(ts).asText()).as(ts).isEqualTo("timestamp[us, tz=UTC]");
    }
    for (String s :
        List.of(
            "source",
            "message_id",
            "type",
            "event",
            "name",
            "user_id",
            "anonymous_id",
            "group_id",
            "previous_id")) {
      assertThat(types.get(s).asText()).as(s).isEqualTo("string");
    }
    // pyarrow reads the Parquet JSON annotation as its arrow.json extension type (pyarrow 19+)
    // over string storage, or as plain strings when extensions are off.
    for (String j : List.of("properties", "traits", "context", "integrations")) {
      assertThat(types.get(j).asText()).as(j).isIn("extension<arrow.json>", "string");
      assertThat(result.at("/storage/" + j).asText()).as(j).isEqualTo("string");
    }
    assertThat(types.get("properties").asText())
        .as("pyarrow 22 (requirements-test.txt) maps JSON to its extension type")
        .isEqualTo("extension<arrow.json>");
    List<String> codecs = new ArrayList<>();
    result.get("codecs").forEach(c -> codecs.add(c.asText()));
    assertThat(codecs).as("compression of every column chunk").containsExactly("ZSTD");
    JsonNode first = Json.MAPPER.readTree(result.get("properties").get(0).asText());
    assertThat(first.get("currency").asText()).isEqualTo("EUR");
  }
}
