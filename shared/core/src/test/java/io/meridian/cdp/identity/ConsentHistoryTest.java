package io.meridian.cdp.identity;

import static io.meridian.cdp.identity.CleanFixtures.writeClean;
import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.lake.InMemoryObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curated.consent_history: from the documented fields, per profile, incremental = from scratch. */
class ConsentHistoryTest {
  @TempDir Path work;

  private static final IdentityRules RULES = IdentityRules.defaults();

  private static List<String> history(CuratedStore store) throws IOException {
    List<String> rows = new ArrayList<>();
    for (Object[] r :
        store.read(
            CuratedTables.CONSENT_HISTORY,
            store.pointer("acme", "profiles").orElseThrow().tables().get("consent_history"))) {
      rows.add(Arrays.toString(r));
    }
    rows.sort(null);
    return rows;
  }

  /** Random traffic with consent decisions in context and in identify traits. */
  private static List<List<Call>> days(long seed) {
    List<List<Call>> days = CleanFixtures.randomDays(seed, 4, 12);
    Random r = new Random(seed);
    List<List<Call>> out = new ArrayList<>();
    for (List<Call> day : days) {
      List<Call> withConsent = new ArrayList<>();
      for (Call c : day) {
        String context = c.context();
        String traits = c.traits();
        switch (r.nextInt(4)) {
          case 0 ->
              context =
                  "{\"consent\":{\"categoryPreferences\":{\"Advertising\":"
                      + r.nextBoolean()
                      + ",\"analytics\":"
                      + r.nextBoolean()
                      + "}}}";
          case 1 -> {
            if (c.type().equals("identify") && traits != null) {
              traits =
                  traits.substring(0, traits.length() - 1)
                      + ",\"consent\":{\"email\":"
                      + r.nextBoolean()
                      + "}}";
            }
          }
          default -> {}
        }
        withConsent.add(
            new Call(
                c.id(),
                c.type(),
                c.event(),
                c.userId(),
                c.anonymousId(),
                traits,
                c.properties(),
                c.second(),
                context));
      }
      out.add(withConsent);
    }
    return out;
  }

  @Test
  void dayByDayGivesTheHistoryOfAllDaysAtOnce() throws IOException {
    for (long seed = 1; seed <= 5; seed++) {
      List<List<Call>> days = days(seed);
      CuratedStore incremental = new CuratedStore(new InMemoryObjectStore(), work);
      CuratedStore scratch = new CuratedStore(new InMemoryObjectStore(), work);
      // files in an order that makes the scratch run see a late day first
      for (int d = 0; d < days.size(); d++) {
        writeClean(
            incremental.objects(), work, "acme", "2026-11-0" + (d + 1), "p" + d, days.get(d));
        new ResolveIdentities(incremental).run("acme", RULES, "US");
        new BuildProfiles(incremental).run("acme", RULES);
        writeClean(scratch.objects(), work, "acme", "2026-11-0" + (d + 1), "p" + d, days.get(d));
      }
      new ResolveIdentities(scratch).run("acme", RULES, "US");
      new BuildProfiles(scratch).run("acme", RULES);
      List<String> expected = history(scratch);
      assertThat(expected).as("seed " + seed).isNotEmpty();
      assertThat(history(incremental)).as("seed " + seed).isEqualTo(expected);
      assertThat(expected.toString()).contains("traits.consent").contains("context.consent");
    }
  }

  @Test
  void onlyChangesAreRowsAndMergedProfilesBringTheirHistory() throws IOException {
    String ads = "{\"consent\":{\"categoryPreferences\":{\"Advertising\":%s}}}";
    CuratedStore store = new CuratedStore(new InMemoryObjectStore(), work);
    writeClean(
        store.objects(),
        work,
        "acme",
        "2026-11-01",
        "a",
        List.of(
            new Call("m1", "page", null, null, "a-1", null, null, 100, ads.formatted("true")),
            new Call("m2", "page", null, null, "a-1", null, null, 200, ads.formatted("true")),
            new Call("m3", "track", "X", "u-1", null, null, null, 300, ads.formatted("false")),
            new Call("m4", "page", null, null, "a-1", null, null, 400, "{\"consent\":{}}"),
            new Call(
                "m5",
                "identify",
                null,
                "u-1",
                "a-1",
                "{\"consent\":{\"Email\":true}}",
                null,
                500)));
    new ResolveIdentities(store).run("acme", RULES, "US");
    new BuildProfiles(store).run("acme", RULES);
    List<String> rows = history(store);
    assertThat(rows).hasSize(3);
    assertThat(rows.toString())
        .contains(
            "advertising, true, 1970-01-01T00:01:40Z, m1, context.consent.categoryPreferences")
        .contains("advertising, false, 1970-01-01T00:05:00Z, m3")
        .contains("email, true, 1970-01-01T00:08:20Z, m5, traits.consent")
        .doesNotContain("m2");
    assertThat(rows.stream().map(r -> r.substring(1, r.indexOf(','))).distinct().count())
        .as("one profile after the merge by m5")
        .isEqualTo(1);
  }
}
