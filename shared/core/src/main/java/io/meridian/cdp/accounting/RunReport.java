package io.meridian.cdp.accounting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one pipeline run did, per tenant and source: events received from the stream, written to the
 * raw zone, written to the clean zone, quarantined (by reason) and dropped as duplicates. {@code
 * received == raw} and {@code raw == clean + quarantined + duplicates} hold for every line once the
 * run has converted everything it drained.
 */
public record RunReport(List<Line> lines, List<Curation> curation, List<Activation> activation) {
  public RunReport {
    lines = List.copyOf(lines);
    curation = List.copyOf(curation);
    activation = List.copyOf(activation);
  }

  public RunReport(List<Line> lines) {
    this(lines, List.of(), List.of());
  }

  /**
   * What compute-segments and publish-changes did for one tenant: segments evaluated, their
   * members, who entered and exited, and what became of the resulting events: delivered,
   * dead-lettered, not sent for lack of consent, or matched by no destination. {@code problem} says
   * why the tenant's segments were not computed (empty when they were).
   */
  public record Activation(
      String tenant,
      int segments,
      long members,
      long entered,
      long exited,
      long events,
      long delivered,
      long deadLettered,
      long excludedByConsent,
      long unmatched,
      String problem) {
    public Activation {
      problem = problem == null ? "" : problem;
    }

    /** A tenant whose segments could not be computed, and why; its membership stays as it was. */
    public static Activation failed(String tenant, String problem) {
      return new Activation(tenant, 0, 0, 0, 0, 0, 0, 0, 0, 0, problem);
    }
  }

  /** This report with the segment and activation figures of the run. */
  public RunReport withActivation(List<Activation> figures) {
    return new RunReport(lines, curation, figures);
  }

  /**
   * What the curation steps (resolve-identities, build-profiles) did for one tenant: events linked,
   * events that carried no usable identifier, events whose deciding identifier is shared (a kiosk,
   * a family tablet: they belong to no profile), identifier values refused (by {@code
   * type/reason}), and the graph afterwards.
   */
  public record Curation(
      String tenant,
      int snapshot,
      boolean rebuilt,
      long events,
      long withoutIdentifier,
      long onSharedIdentifier,
      Map<String, Long> refused,
      long identifiers,
      long profiles,
      long merges,
      long blockedMerges) {
    public Curation {
      refused = Map.copyOf(new TreeMap<>(refused));
    }
  }

  /** This report with the curation figures of the run. */
  public RunReport withCuration(List<Curation> figures) {
    return new RunReport(lines, figures, activation);
  }

  /** Figures of one tenant and source. */
  public record Line(
      String tenant,
      String source,
      long received,
      long raw,
      long rawConverted,
      long clean,
      Map<String, Long> quarantined,
      long duplicates,
      Map<String, Long> pii) {
    public Line {
      quarantined = Map.copyOf(quarantined);
      pii = pii == null ? Map.of() : Map.copyOf(new TreeMap<>(pii));
    }

    /** Figures without PII counts. */
    public Line(
        String tenant,
        String source,
        long received,
        long raw,
        long rawConverted,
        long clean,
        Map<String, Long> quarantined,
        long duplicates) {
      this(tenant, source, received, raw, rawConverted, clean, quarantined, duplicates, null);
    }

    public long quarantinedTotal() {
      return quarantined.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether every record is accounted for. */
    public boolean balanced() {
      return received == raw && rawConverted == clean + quarantinedTotal() + duplicates;
    }
  }

  /** Aggregates the stage records of one run. */
  public static RunReport of(List<StageCounts> rawStage, List<StageCounts> cleanStage) {
    Map<String, long[]> figures = new TreeMap<>();
    Map<String, Map<String, Long>> reasons = new TreeMap<>();
    Map<String, Map<String, Long>> pii = new TreeMap<>();
    for (StageCounts c : rawStage) {
      long[] f = figures.computeIfAbsent(c.tenant() + "\u0000" + c.source(), k -> new long[5]);
      f[0] += c.input();
      f[1] += c.output();
    }
    for (StageCounts c : cleanStage) {
      String k = c.tenant() + "\u0000" + c.source();
      long[] f = figures.computeIfAbsent(k, x -> new long[5]);
      f[2] += c.input();
      f[3] += c.output();
      f[4] += c.duplicates();
      Map<String, Long> r = reasons.computeIfAbsent(k, x -> new TreeMap<>());
      c.quarantined().forEach((reason, n) -> r.merge(reason, n, Long::sum));
      Map<String, Long> p = pii.computeIfAbsent(k, x -> new TreeMap<>());
      c.pii().forEach((what, n) -> p.merge(what, n, Long::sum));
    }
    List<Line> lines = new ArrayList<>();
    figures.forEach(
        (k, f) -> {
          String[] ts = k.split("\u0000", 2);
          lines.add(
              new Line(
                  ts[0],
                  ts[1],
                  f[0],
                  f[1],
                  f[2],
                  f[3],
                  reasons.getOrDefault(k, Map.of()),
                  f[4],
                  pii.getOrDefault(k, Map.of())));
        });
    return new RunReport(lines);
  }

  public boolean balanced() {
    return lines.stream().allMatch(Line::balanced);
  }

  /** A fixed-width table for terminals. */
  public String toTable() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%-16s %-12s %10s %10s %10s %12s %10s  %s%n",
            "tenant", "source", "received", "raw", "clean", "quarantined", "duplicates", "check"));
    for (Line l : lines) {
      out.append(
          String.format(
              "%-16s %-12s %10d %10d %10d %12d %10d  %s%n",
              l.tenant(),
              l.source(),
              l.received(),
              l.raw(),
              l.clean(),
              l.quarantinedTotal(),
              l.duplicates(),
              l.balanced() ? "ok" : "MISMATCH"));
      l.quarantined()
          .forEach(
              (reason, n) ->
                  out.append(String.format("%-16s   quarantined %-28s %10d%n", "", reason, n)));
      l.pii()
          .forEach((what, n) -> out.append(String.format("%-16s   pii %-36s %10d%n", "", what, n)));
    }
    if (lines.isEmpty() && curation.isEmpty() && activation.isEmpty()) {
      out.append("(nothing to do)\n");
    }
    if (!curation.isEmpty()) {
      out.append(
          String.format(
              "%n%-16s %10s %14s %14s %10s %12s %10s %8s %8s%n",
              "curated tenant",
              "events",
              "no identifier",
              "shared device",
              "refused",
              "identifiers",
              "profiles",
              "merges",
              "blocked"));
      for (Curation c : curation) {
        out.append(
            String.format(
                "%-16s %10d %14d %14d %10d %12d %10d %8d %8d%s%n",
                c.tenant(),
                c.events(),
                c.withoutIdentifier(),
                c.onSharedIdentifier(),
                c.refused().values().stream().mapToLong(Long::longValue).sum(),
                c.identifiers(),
                c.profiles(),
                c.merges(),
                c.blockedMerges(),
                c.rebuilt() ? "  (rebuilt from all events: late data or new rules)" : ""));
        c.refused()
            .forEach(
                (reason, n) ->
                    out.append(String.format("%-16s   refused %-32s %10d%n", "", reason, n)));
      }
    }
    if (!activation.isEmpty()) {
      out.append(
          String.format(
              "%n%-16s %9s %10s %9s %9s %9s %10s %13s %9s %10s%n",
              "segments tenant",
              "segments",
              "members",
              "entered",
              "exited",
              "events",
              "delivered",
              "dead-letter",
              "consent",
              "unmatched"));
      for (Activation a : activation) {
        out.append(
            String.format(
                "%-16s %9d %10d %9d %9d %9d %10d %13d %9d %10d%n",
                a.tenant(),
                a.segments(),
                a.members(),
                a.entered(),
                a.exited(),
                a.events(),
                a.delivered(),
                a.deadLettered(),
                a.excludedByConsent(),
                a.unmatched()));
        if (!a.problem().isEmpty()) {
          out.append(String.format("%-16s   NOT COMPUTED: %s%n", "", a.problem()));
        }
      }
    }
    return out.toString();
  }
}
