package io.meridian.cdp.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The cost model of docs/COST.md: what ingesting events into the clean zone costs on AWS, from list
 * prices and the per-event compute this repository's benchmarks measure. Every input is an option,
 * so a deployer can put in their own prices, batch sizes and measurements.
 */
@Command(
    name = "cost",
    mixinStandardHelpOptions = true,
    description =
        "Estimate the AWS cost of ingesting events to Parquet (API, Kinesis, Lambda, S3, KMS, logs):"
            + " per million events and per month at 10M / 100M / 1B events (docs/COST.md).")
final class CostCommand implements Callable<Integer> {
  @Mixin Options options; // like every command; the estimate reads no data
  @Spec CommandSpec spec;

  @Option(
      names = "--event-bytes",
      defaultValue = "1024",
      description = "Average call size. Default: ${DEFAULT-VALUE}")
  int eventBytes;

  @Option(
      names = "--events-per-request",
      defaultValue = "100",
      description =
          "Calls per API request (SDKs batch; 1 for single calls). Default: ${DEFAULT-VALUE}")
  int eventsPerRequest;

  @Option(
      names = "--kinesis-batch",
      defaultValue = "500",
      description = "Records per stream-to-raw invocation. Default: ${DEFAULT-VALUE}")
  int kinesisBatch;

  @Option(
      names = "--ingest-ms",
      defaultValue = "40",
      description =
          "Billed duration of one ingest-api invocation (mostly the PutRecords round trip). Default: ${DEFAULT-VALUE}")
  double ingestMs;

  @Option(
      names = "--stream-to-raw-ms",
      defaultValue = "150",
      description =
          "Billed duration of one stream-to-raw invocation (gzip + one S3 PUT). Default: ${DEFAULT-VALUE}")
  double streamToRawMs;

  @Option(
      names = "--convert-events-per-second",
      defaultValue = "65000",
      description =
          "raw-to-clean throughput of one thread (docs/BENCHMARKS.md: 65-72k/s measured). Default: ${DEFAULT-VALUE}")
  double convertPerSecond;

  @Option(
      names = "--raw-object-events",
      defaultValue = "500",
      description = "Events per raw object (one per stream batch). Default: ${DEFAULT-VALUE}")
  int rawObjectEvents;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (eventBytes <= 0
        || eventsPerRequest <= 0
        || kinesisBatch <= 0
        || rawObjectEvents <= 0
        || ingestMs < 0
        || streamToRawMs < 0
        || convertPerSecond <= 0) {
      throw new Cdp.UserError("every size, count and rate must be positive");
    }
    List<Item> perMillion = perMillion();
    double total = perMillion.stream().mapToDouble(Item::usd).sum();
    out.printf(
        Locale.ROOT,
        "Per million %,d-byte events, %d per request (us-east-1 list prices, docs/COST.md):%n",
        eventBytes,
        eventsPerRequest);
    for (Item i : perMillion) {
      out.printf(Locale.ROOT, "  %-44s $%9.4f%n", i.what(), i.usd());
    }
    out.printf(Locale.ROOT, "  %-44s $%9.4f%n", "total per million events", total);
    out.println("Per month (plus the stream's fixed $29.20 and storage growth, below):");
    for (long events : new long[] {10_000_000L, 100_000_000L, 1_000_000_000L}) {
      out.printf(
          Locale.ROOT,
          "  %,15d events: $%,10.2f ingestion + $%,8.2f stream-hours + $%,8.2f for one month of"
              + " storage%n",
          events,
          total * events / 1e6,
          Prices.KINESIS_STREAM_HOUR * 730,
          storagePerMonth(events));
    }
    out.flush();
    return 0;
  }

  /** One line of the estimate. */
  record Item(String what, double usd) {}

  /** List prices, us-east-1, as published in 2025 (docs/COST.md names the pages). */
  static final class Prices {
    static final double HTTP_API_PER_MILLION = 1.00;
    static final double LAMBDA_ARM_GB_SECOND = 0.0000133334;
    static final double LAMBDA_PER_MILLION_REQUESTS = 0.20;
    static final double KINESIS_ON_DEMAND_PER_GB_IN = 0.08;
    static final double KINESIS_ON_DEMAND_PER_GB_OUT = 0.04;
    static final double KINESIS_STREAM_HOUR = 0.04;
    static final double S3_PUT_PER_THOUSAND = 0.005;
    static final double S3_GET_PER_THOUSAND = 0.0004;
    static final double S3_STANDARD_GB_MONTH = 0.023;
    static final double KMS_PER_TEN_THOUSAND = 0.03;
    static final double LOGS_PER_GB = 0.50;
    static final double DYNAMODB_ON_DEMAND_PER_MILLION_WRITES = 0.625;

    private Prices() {}
  }

  List<Item> perMillion() {
    double events = 1e6;
    double requests = events / eventsPerRequest;
    // Kinesis on-demand bills each record rounded up to a whole KB
    double kinesisGb = events * Math.ceil(eventBytes / 1024.0) / 1024 / 1024;
    double streamInvocations = events / kinesisBatch;
    double rawObjects = events / rawObjectEvents;
    double convertSeconds = events / convertPerSecond;
    List<Item> items = new ArrayList<>();
    items.add(
        new Item("API Gateway HTTP API requests", requests / 1e6 * Prices.HTTP_API_PER_MILLION));
    items.add(
        new Item(
            "Lambda ingest-api + authorizer (1 GB + 0.5 GB)",
            requests * (ingestMs / 1000 * 1.0 + 0.010 * 0.5) * Prices.LAMBDA_ARM_GB_SECOND
                + 2 * requests / 1e6 * Prices.LAMBDA_PER_MILLION_REQUESTS));
    items.add(
        new Item(
            "Kinesis on-demand: data in and out",
            kinesisGb
                * (Prices.KINESIS_ON_DEMAND_PER_GB_IN + Prices.KINESIS_ON_DEMAND_PER_GB_OUT)));
    items.add(
        new Item(
            "Lambda stream-to-raw (1 GB)",
            streamInvocations * streamToRawMs / 1000 * Prices.LAMBDA_ARM_GB_SECOND
                + streamInvocations / 1e6 * Prices.LAMBDA_PER_MILLION_REQUESTS));
    items.add(
        new Item(
            "Lambda raw-to-clean (2 GB)",
            convertSeconds * 2 * Prices.LAMBDA_ARM_GB_SECOND
                + rawObjects / 1e6 * Prices.LAMBDA_PER_MILLION_REQUESTS));
    // raw PUT, clean PUT, quarantine/accounting markers ~2 PUTs; raw GET by raw-to-clean
    items.add(
        new Item(
            "S3 requests (4 PUTs + 1 GET per raw object)",
            rawObjects * (4 * Prices.S3_PUT_PER_THOUSAND + Prices.S3_GET_PER_THOUSAND) / 1000));
    // de-duplication: one conditional PutItem (1 write request unit) per event (ADR 0026)
    items.add(
        new Item(
            "DynamoDB de-duplication claims (1 write per event)",
            events / 1e6 * Prices.DYNAMODB_ON_DEMAND_PER_MILLION_WRITES));
    // bucket keys: about one KMS call per object written or read
    items.add(
        new Item(
            "KMS requests (bucket keys)", rawObjects * 5 / 10_000 * Prices.KMS_PER_TEN_THOUSAND));
    // about 1 KB of structured log per invocation
    items.add(
        new Item(
            "CloudWatch Logs (~1 KB per invocation)",
            (2 * requests + streamInvocations + rawObjects)
                * 1024
                / 1024
                / 1024
                / 1024
                * Prices.LOGS_PER_GB));
    return items;
  }

  /** S3 Standard for one month of data: raw gzip ~15% and clean Parquet ~10% of the JSON size. */
  double storagePerMonth(long events) {
    double gb = (double) events * eventBytes / 1024 / 1024 / 1024;
    return gb * (0.15 + 0.10) * Prices.S3_STANDARD_GB_MONTH;
  }
}
