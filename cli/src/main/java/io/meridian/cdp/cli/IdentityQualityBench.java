package io.meridian.cdp.cli;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.CuratedTables;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.identity.IdentityEvent;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.PairwiseQuality;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.identity.SyntheticTenant;
import io.meridian.cdp.identity.SyntheticTenant.Dataset;
import io.meridian.cdp.local.LocalFileObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Identity-resolution quality on a synthetic tenant with ground truth ({@link SyntheticTenant}):
 * the generated events are written as clean-zone Parquet (one file per receipt day) to a temporary
 * local lake and resolved by the real resolve-identities step with the default rules; each event's
 * profile is then read back from {@code curated.event_identifiers} joined with {@code
 * curated.identity_graph} and compared with the true person, pair by pair.
 *
 * <p>Counting: the items are events. An event's true label is its person (each bot is a person);
 * its predicted label is the profile of its deciding identifier. An event in which no usable
 * identifier remains (all blocked, invalid or absent) belongs to no profile; it counts as a person
 * of its own and a profile of its own, so it adds no pair to either side.
 */
@Command(
    name = "identity-quality",
    mixinStandardHelpOptions = true,
    description =
        "Identity-resolution precision and recall on a synthetic tenant with ground truth.")
final class IdentityQualityBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--people",
      description = "People in the tenant. Default: ${DEFAULT-VALUE}",
      defaultValue = "20000")
  int people;

  @Option(
      names = "--seed",
      description = "Generator seed. Default: ${DEFAULT-VALUE}",
      defaultValue = "1")
  long seed;

  @Option(names = "--keep", description = "Keep the temporary lake (printed path)")
  boolean keep;

  static final String TENANT = "quality";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("cdp-bench-identity-quality");
    try {
      long t0 = System.nanoTime();
      Dataset data = SyntheticTenant.generate(people, seed);
      out.printf(
          "cdp bench identity-quality: %,d people + %,d bots, seed %d: %,d events (generated in %.1f s)%n",
          data.people(), data.bots(), seed, data.events().size(), (System.nanoTime() - t0) / 1e9);
      out.println("events per scenario: " + data.scenarioEvents());
      out.flush();

      LocalFileObjectStore lake = new LocalFileObjectStore(dir.resolve("lake"));
      writeClean(lake, dir, data.events());
      CuratedStore store = new CuratedStore(lake, dir.resolve("work"));
      long t1 = System.nanoTime();
      ResolveIdentities.Result result =
          new ResolveIdentities(store).run(TENANT, IdentityRules.defaults(), "US");
      double resolveSeconds = (System.nanoTime() - t1) / 1e9;
      out.printf(
          "resolve-identities (default rules): %.2f s; %,d identifiers, %,d profiles, %,d merges,"
              + " %,d refused links; events without identifier %,d; refused values %s%n",
          resolveSeconds,
          result.identifiers(),
          result.profiles(),
          result.merges(),
          result.blockedMerges(),
          result.eventsWithoutIdentifier(),
          result.refused());

      Map<String, Integer> profileIds = new HashMap<>();
      Map<String, Integer> profileOfIdentifier = new HashMap<>();
      var pointer = store.pointer(TENANT, "identity").orElseThrow();
      for (Object[] row :
          ParquetFiles.readAll(
              CuratedTables.IDENTITY_GRAPH, lake.path(pointer.tables().get("identity_graph")))) {
        int p = profileIds.computeIfAbsent((String) row[2], k -> profileIds.size());
        profileOfIdentifier.put(row[0] + "\u0000" + row[1], p);
      }
      Map<String, Integer> profileOfEvent = new HashMap<>();
      for (String key : lake.list(CuratedStore.CURATED + "event_identifiers/")) {
        for (Object[] row : ParquetFiles.readAll(CuratedTables.EVENT_IDENTIFIERS, lake.path(key))) {
          profileOfEvent.put((String) row[0], profileOfIdentifier.get(row[1] + "\u0000" + row[2]));
        }
      }
      int n = data.events().size();
      int[] truth = new int[n];
      int[] predicted = new int[n];
      List<Integer> humans = new ArrayList<>();
      int singleton = -1;
      for (int i = 0; i < n; i++) {
        IdentityEvent e = data.events().get(i);
        Integer profile = profileOfEvent.get(e.messageId());
        if (profile == null) {
          truth[i] = singleton;
          predicted[i] = singleton--;
        } else {
          truth[i] = data.personOf().get(e.messageId());
          predicted[i] = profile;
        }
        if (data.personOf().get(e.messageId()) < data.people()) {
          humans.add(i);
        }
      }
      PairwiseQuality all = PairwiseQuality.of(truth, predicted);
      int[] ht = new int[humans.size()];
      int[] hp = new int[humans.size()];
      for (int i = 0; i < ht.length; i++) {
        ht[i] = truth[humans.get(i)];
        hp[i] = predicted[humans.get(i)];
      }
      PairwiseQuality people = PairwiseQuality.of(ht, hp);
      print(out, "all events (bots included)", all);
      print(out, "people's events (bots left out)", people);
      print(
          out,
          "identifiers (shared devices left out)",
          identifierQuality(data, profileOfIdentifier));
      diagnose(out, data, truth, predicted);
      boolean met = people.precision() >= 0.995 && people.recall() >= 0.99;
      out.printf(
          "goal (precision >= 0.995, recall >= 0.99, judged without bots): %s%n",
          met ? "met" : "MISSED");
      if (keep) {
        out.println("lake kept in " + dir);
      }
    } finally {
      if (!keep) {
        IngestBench.deleteTree(dir);
      }
    }
    out.flush();
    return 0;
  }

  private static void print(PrintWriter out, String label, PairwiseQuality q) {
    out.printf(
        "%-36s: precision %.5f  recall %.5f  F1 %.5f  (%,d items; pairs: true %,d, predicted %,d,"
            + " correct %,d; %,d persons, %,d profiles; over-merged profiles %,d, split persons"
            + " %,d)%n",
        label,
        q.precision(),
        q.recall(),
        q.f1(),
        q.items(),
        q.truePairs(),
        q.predictedPairs(),
        q.correctPairs(),
        q.persons(),
        q.profiles(),
        q.overMergedProfiles(),
        q.splitPersons());
  }

  /**
   * Where the errors come from: events in a profile whose majority person is someone else
   * (over-merge), and events outside the profile holding most of their person's events (split), by
   * the scenario they were generated under.
   */
  private static void diagnose(PrintWriter out, Dataset data, int[] truth, int[] predicted) {
    Map<Long, Integer> cell = new HashMap<>();
    for (int i = 0; i < truth.length; i++) {
      cell.merge(((long) truth[i] << 32) | (predicted[i] & 0xffffffffL), 1, Integer::sum);
    }
    Map<Integer, long[]> majorityPerson = new HashMap<>(); // profile -> {person, count}
    Map<Integer, long[]> mainProfile = new HashMap<>(); // person -> {profile, count}
    for (var c : cell.entrySet()) {
      int person = (int) (c.getKey() >> 32);
      int profile = (int) (long) c.getKey();
      long[] m = majorityPerson.computeIfAbsent(profile, k -> new long[] {0, -1});
      if (c.getValue() > m[1]) {
        m[0] = person;
        m[1] = c.getValue();
      }
      long[] p = mainProfile.computeIfAbsent(person, k -> new long[] {0, -1});
      if (c.getValue() > p[1]) {
        p[0] = profile;
        p[1] = c.getValue();
      }
    }
    Map<SyntheticTenant.Scenario, Integer> overMerged = new TreeMap<>();
    Map<SyntheticTenant.Scenario, Integer> split = new TreeMap<>();
    for (int i = 0; i < truth.length; i++) {
      var scenario = data.scenarioOf().get(data.events().get(i).messageId());
      if (majorityPerson.get(predicted[i])[0] != truth[i]) {
        overMerged.merge(scenario, 1, Integer::sum);
      }
      if (mainProfile.get(truth[i])[0] != predicted[i]) {
        split.merge(scenario, 1, Integer::sum);
      }
    }
    out.println("events in another person's profile, by scenario: " + overMerged);
    out.println("events outside their person's main profile, by scenario: " + split);
  }

  /** Writes the events as clean-zone Parquet, one file per receipt day. */
  static void writeClean(LocalFileObjectStore lake, Path dir, List<IdentityEvent> events)
      throws Exception {
    Map<String, List<IdentityEvent>> byDay = new TreeMap<>();
    for (IdentityEvent e : events) {
      byDay
          .computeIfAbsent(
              e.receivedAt().atOffset(ZoneOffset.UTC).toLocalDate().toString(),
              d -> new ArrayList<>())
          .add(e);
    }
    for (var day : byDay.entrySet()) {
      Path f = dir.resolve("clean-" + day.getKey() + ".parquet");
      try (RowWriter w = ParquetFiles.create(CleanTables.EVENTS, f)) {
        for (IdentityEvent e : day.getValue()) {
          w.write(
              new Object[] {
                "web",
                e.messageId(),
                e.type(),
                e.event(),
                null,
                e.userId(),
                e.anonymousId(),
                null,
                e.previousId(),
                e.timestamp(),
                e.timestamp(),
                e.timestamp(),
                e.receivedAt(),
                null,
                e.traits().isMissingNode() ? null : e.traits().toString(),
                "{\"library\":{\"name\":\"analytics.js\"}}",
                null
              });
        }
      }
      lake.putFile("clean/events/tenant=" + TENANT + "/dt=" + day.getKey() + "/part-0.parquet", f);
      Files.deleteIfExists(f);
    }
  }

  /**
   * Identifier-level comparison: the items are the identifiers of the graph; an identifier's true
   * person is the one person whose events carry it (as read by the real extractor). One carried by
   * several people's events (a shared tablet, a kiosk) has no single owner, so it can be neither
   * right nor wrong and is left out (the event-level figures count its events).
   */
  private static PairwiseQuality identifierQuality(
      Dataset data, Map<String, Integer> profileOfIdentifier) {
    IdentityRules rules = IdentityRules.defaults();
    IdentifierExtractor extractor = new IdentifierExtractor(rules, "US");
    Map<String, Integer> owner = new HashMap<>();
    for (IdentityEvent e : data.events()) {
      int person = data.personOf().get(e.messageId());
      for (var id : extractor.extract(e)) {
        owner.merge(
            rules.identifiers().get(id.type()).type() + "\u0000" + id.value(),
            person,
            (a, b) -> a.equals(b) ? a : Integer.MIN_VALUE);
      }
    }
    int n = 0;
    for (var entry : profileOfIdentifier.entrySet()) {
      n += owner.get(entry.getKey()) == Integer.MIN_VALUE ? 0 : 1;
    }
    int[] truth = new int[n];
    int[] predicted = new int[n];
    int i = 0;
    for (var entry : profileOfIdentifier.entrySet()) {
      int person = owner.get(entry.getKey());
      if (person != Integer.MIN_VALUE) {
        truth[i] = person;
        predicted[i++] = entry.getValue();
      }
    }
    return PairwiseQuality.of(truth, predicted);
  }
}
