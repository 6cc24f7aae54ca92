package io.meridian.cdp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.privacy.PiiDetector;
import io.meridian.cdp.privacy.PiiFinding;
import io.meridian.cdp.privacy.PiiKind;
import io.meridian.cdp.privacy.PiiScanner;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "privacy",
    mixinStandardHelpOptions = true,
    description =
        "Privacy tools: find personal data in free text; show or set a tenant's PII policy;"
            + " detokenize; erase or export a person; check an erasure report.",
    subcommands = {
      PrivacyCommand.Scan.class,
      PrivacyPolicyCommand.class,
      PrivacyDetokenize.class,
      PrivacyRequests.Erase.class,
      PrivacyRequests.Export.class,
      PrivacyRequests.VerifyReport.class
    })
final class PrivacyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "scan",
      mixinStandardHelpOptions = true,
      description =
          "Scan a JSON Lines file for personal data (e-mails, phones, payment cards, IBANs, US"
              + " SSNs, UK NI numbers, IP addresses) and print counts by kind and JSON path."
              + " Values are never printed; an example is shown masked (a***@e***.com).")
  static final class Scan implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A JSON Lines file")
    Path file;

    @Option(
        names = "--region",
        paramLabel = "CC",
        defaultValue = "US",
        description = "Region for phone numbers without a country code. Default: ${DEFAULT-VALUE}")
    String region;

    /** Findings of one kind at one path: how many, and one masked example. */
    private record PathCount(int count, String example) {}

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PiiScanner scanner;
      try {
        scanner = new PiiScanner(new PiiDetector(region));
      } catch (IllegalArgumentException e) {
        throw new Cdp.UserError("--region: " + e.getMessage());
      }
      Map<PiiKind, Integer> byKind = new EnumMap<>(PiiKind.class);
      Map<String, PathCount> byPath = new TreeMap<>();
      List<Integer> unreadable = new ArrayList<>();
      int lines = 0;
      int linesWithPii = 0;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = Json.MAPPER.readTree(line);
          } catch (JsonProcessingException e) {
            unreadable.add(lines);
            continue;
          }
          List<PiiFinding> findings = scanner.scan(node);
          if (!findings.isEmpty()) {
            linesWithPii++;
          }
          for (PiiFinding f : findings) {
            byKind.merge(f.kind(), 1, Integer::sum);
            byPath.merge(
                f.path() + "\t" + f.kind(),
                new PathCount(1, f.masked()),
                (a, b) -> new PathCount(a.count() + b.count(), a.example()));
          }
        }
      } catch (NoSuchFileException e) {
        throw new Cdp.UserError("no such file: " + file);
      }
      out.printf(
          "Scanned %d lines of %s (phone region %s): %d with personal data.%n",
          lines, file.getFileName(), region.toUpperCase(java.util.Locale.ROOT), linesWithPii);
      if (!unreadable.isEmpty()) {
        out.printf(
            "%d lines are not JSON and were skipped: %s%s%n",
            unreadable.size(),
            unreadable.subList(0, Math.min(10, unreadable.size())),
            unreadable.size() > 10 ? " ..." : "");
      }
      out.println();
      out.printf("%-14s %8s%n", "kind", "found");
      for (PiiKind kind : PiiKind.values()) {
        out.printf(
            "%-14s %8d%n",
            kind.name().toLowerCase(java.util.Locale.ROOT), byKind.getOrDefault(kind, 0));
      }
      if (!byPath.isEmpty()) {
        out.println();
        out.printf("%-40s %-14s %8s  %s%n", "path", "kind", "found", "example (masked)");
        byPath.forEach(
            (key, count) -> {
              String[] parts = key.split("\t");
              out.printf(
                  "%-40s %-14s %8d  %s%n",
                  parts[0],
                  parts[1].toLowerCase(java.util.Locale.ROOT),
                  count.count(),
                  count.example());
            });
      }
      out.flush();
      return 0;
    }
  }
}
