package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.privacy.PiiDetector;
import io.meridian.cdp.privacy.PiiScanner;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Speed of {@link PiiScanner} on Segment-style track calls whose properties hold one free-text
 * field: a quarter with personal data of some kind, the rest order numbers, versions, timestamps
 * and prose. Documents are parsed before timing; one thread.
 */
@Command(
    name = "pii",
    mixinStandardHelpOptions = true,
    description = "Speed of the PII scanner on N generated events (one thread).")
final class PiiBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--events",
      description = "Events to scan per round. Default: ${DEFAULT-VALUE}",
      defaultValue = "100000")
  int events;

  @Option(
      names = "--rounds",
      description = "Timed rounds after one warm-up round. Default: ${DEFAULT-VALUE}",
      defaultValue = "3")
  int rounds;

  private static final String[] TEXTS = {
    "please reply to %s@example.com asap",
    "call me at (415) 555-%04d after six",
    "login from 203.0.113.%d",
    "card 4111 1111 1111 1111 ref %d",
    "order ORD-2026-%06d shipped",
    "upgraded to v4.2.%d.1 yesterday",
    "the parcel arrived on time, thanks! (%d)",
    "total EUR %d,50 incl. VAT",
  };

  @Override
  public Integer call() throws Exception {
    if (events < 1 || rounds < 1) {
      throw new Cdp.UserError("--events and --rounds must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    Random random = new Random(6);
    List<JsonNode> docs = new ArrayList<>(events);
    long bytes = 0;
    for (int i = 0; i < events; i++) {
      String text = String.format(TEXTS[random.nextInt(TEXTS.length)], random.nextInt(1000));
      String json =
          Json.MAPPER.writeValueAsString(
              java.util.Map.of(
                  "type",
                  "track",
                  "event",
                  "Order Completed",
                  "messageId",
                  "m-" + i,
                  "timestamp",
                  "2026-11-24T10:00:00.123Z",
                  "properties",
                  java.util.Map.of(
                      "note", text, "order_id", "ORD-" + i, "revenue", 42.5, "currency", "EUR"),
                  "context",
                  java.util.Map.of(
                      "library", java.util.Map.of("name", "analytics.js", "version", "4.1.0"))));
      bytes += json.length();
      docs.add(Json.MAPPER.readTree(json));
    }
    PiiScanner scanner = new PiiScanner(new PiiDetector("US"));
    out.printf(
        "cdp bench pii: %,d events (%.0f bytes each), %d cores, Java %s%n",
        events,
        (double) bytes / events,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    for (int r = 0; r <= rounds; r++) {
      long start = System.nanoTime();
      long findings = 0;
      for (JsonNode doc : docs) {
        findings += scanner.scan(doc).size();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          "%s: %,.0f events/s (%,d findings in %.2f s)%n",
          r == 0 ? "warm-up" : "round " + r, events / seconds, findings, seconds);
      out.flush();
    }
    return 0;
  }
}
