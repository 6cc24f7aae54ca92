package io.meridian.cdp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log output of an end-to-end run holds none of the personal data it processed: the packaged
 * {@code cdp} runs the demo (HTTP ingestion, pipeline, identity resolution, segments, signed
 * webhooks, the profile API) with every logger at DEBUG, and its log stream (stderr) is searched
 * for every e-mail address and phone number the demo's people sent — as sent, and as normalized.
 *
 * <p>Standard output is the command's answer to its user (the demo ends by showing one profile, on
 * purpose); it is not a log and is not searched.
 */
class DemoLogsHoldNoPersonalDataIT {
  @TempDir Path temp;

  @Test
  void noEmailOrPhoneOfTheDemoAppearsInItsLogs() throws Exception {
    Path data = temp.resolve("data");
    Path log = temp.resolve("demo.log");
    Process demo =
        cdp(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"), "demo", "--people", "20")
            .redirectError(log.toFile())
            .redirectOutput(temp.resolve("demo.out").toFile())
            .start();
    assertThat(demo.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(demo.exitValue()).as(Files.readString(log)).isZero();
    String logs = Files.readString(log, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    assertThat(logs).as("the run logged at DEBUG, so there was something to search").isNotBlank();

    List<String> personal =
        sql(
            data,
            "SELECT DISTINCT v FROM (SELECT unnest([json_extract_string(payload,"
                + " '$.traits.email'), json_extract_string(payload, '$.traits.phone'),"
                + " json_extract_string(payload, '$.context.traits.email'),"
                + " json_extract_string(payload, '$.context.traits.phone')]) AS v FROM raw.events)"
                + " WHERE v IS NOT NULL UNION SELECT identifier FROM curated.identity_graph WHERE"
                + " identifier_type IN ('email', 'phone')");
    assertThat(personal).as("the demo's people sent e-mails and phones").hasSizeGreaterThan(20);
    for (String value : personal) {
      assertThat(logs).doesNotContain(value.strip().toLowerCase(Locale.ROOT));
    }
  }

  private List<String> sql(Path data, String query) throws IOException, InterruptedException {
    Path out = temp.resolve("sql.csv");
    Process p =
        cdp(List.of(), "sql", "--format", "csv", query)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    List<String> lines = Files.readAllLines(out);
    assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
    List<String> values = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      values.add(line.startsWith("\"") ? line.substring(1, line.length() - 1) : line);
    }
    return values;
  }

  private ProcessBuilder cdp(List<String> jvmOptions, String... args) {
    String jar = System.getProperty("cdp.jar");
    assertThat(jar).as("failsafe passes -Dcdp.jar").isNotNull();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar);
    command.addAll(List.of(args));
    command.add("--data");
    command.add(temp.resolve("data").toString());
    return new ProcessBuilder(command);
  }
}
