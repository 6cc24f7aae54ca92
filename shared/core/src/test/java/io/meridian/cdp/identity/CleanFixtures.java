package io.meridian.cdp.identity;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.parquet.ParquetFiles;
import io.meridian.cdp.parquet.RowWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Clean-zone Parquet input for the curated steps: synthetic calls written as {@code clean.events}
 * files, the way raw-to-clean stores them. Shared with the function modules through the core
 * test-jar.
 */
public final class CleanFixtures {
  private CleanFixtures() {}

  /** One synthetic call. */
  public record Call(
      String id,
      String type,
      String event,
      String userId,
      String anonymousId,
      String traits,
      String properties,
      long second,
      String context) {
    /** A call whose context names only the library. */
    public Call(
        String id,
        String type,
        String event,
        String userId,
        String anonymousId,
        String traits,
        String properties,
        long second) {
      this(
          id,
          type,
          event,
          userId,
          anonymousId,
          traits,
          properties,
          second,
          "{\"library\":{\"name\":\"test\"}}");
    }
  }

  /**
   * Stores {@code calls} as the clean-zone file {@code clean/events/tenant=T/dt=DAY/PART.parquet}.
   */
  public static void writeClean(
      ObjectStore store, Path work, String tenant, String day, String part, List<Call> calls)
      throws IOException {
    Path f = Files.createTempFile(work, "clean", ".parquet");
    try (RowWriter w = ParquetFiles.create(CleanTables.EVENTS, f)) {
      for (Call c : calls) {
        Instant t = Instant.ofEpochSecond(c.second);
        w.write(
            new Object[] {
              "web",
              c.id,
              c.type,
              c.event,
              null,
              c.userId,
              c.anonymousId,
              null,
              null,
              t,
              t,
              t,
              t,
              c.properties,
              c.traits,
              c.context,
              null
            });
      }
    }
    store.putFile("clean/events/tenant=" + tenant + "/dt=" + day + "/" + part + ".parquet", f);
  }

  /** Random traffic of a few dozen people over several days, as one list per day. */
  public static List<List<Call>> randomDays(long seed, int days, int people) {
    Random r = new Random(seed);
    List<List<Call>> out = new ArrayList<>();
    int n = 0;
    long second = 1_790_000_000L;
    for (int d = 0; d < days; d++) {
      List<Call> day = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        int p = r.nextInt(people);
        String device = "dev-" + p + "-" + r.nextInt(3);
        if (r.nextInt(10) == 0) {
          device = "kiosk-" + r.nextInt(2); // shared devices
        }
        second += 1 + r.nextInt(50);
        String id = "m" + (n++);
        switch (r.nextInt(4)) {
          case 0 -> day.add(new Call(id, "page", null, null, device, null, null, second));
          case 1 ->
              day.add(
                  new Call(
                      id,
                      "identify",
                      null,
                      "user-" + p,
                      device,
                      "{\"email\":\"P" + p + "@Example.com\",\"plan\":\"p" + r.nextInt(3) + "\"}",
                      null,
                      second));
          case 2 ->
              day.add(
                  new Call(
                      id,
                      "track",
                      "Order Completed",
                      r.nextBoolean() ? "user-" + p : null,
                      device,
                      null,
                      "{\"revenue\":" + (10 + r.nextInt(90)) + ".5}",
                      second));
          default ->
              day.add(
                  new Call(
                      id,
                      "identify",
                      null,
                      null,
                      device,
                      "{\"email\":\"p"
                          + p
                          + "@example.com\",\"phone\":\"+1415555"
                          + (1000 + p)
                          + "\"}",
                      null,
                      second));
        }
      }
      out.add(day);
    }
    return out;
  }
}
