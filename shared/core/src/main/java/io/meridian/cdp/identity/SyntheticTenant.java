package io.meridian.cdp.identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic tenant with ground truth, to measure identity resolution (docs/BENCHMARKS.md,
 * "Identity resolution quality"). Deterministic for a given seed.
 *
 * <p>Each generated event knows the person who really sent it ({@link Dataset#personOf}), kept
 * outside the event. The population, per 10,000 people:
 *
 * <ul>
 *   <li>15% anonymous-only visitors: one device, a few sessions, never identified;
 *   <li>85% registered customers with a user id, one to four devices (50/30/15/5%). The first
 *       device is a login device; each further one is a login device (75%), a newsletter device
 *       (15%: identified by email only, never logs in) or an app linked by a server-side alias
 *       (10%: {@code previousId} → {@code userId}, the device's own events stay anonymous). On a
 *       login device the first session browses anonymously, then logs in ({@code identify} with
 *       userId + anonymousId + the email, and the phone for 40% of people), then tracks; later
 *       sessions track logged in. Emails come in varying case and with surrounding spaces, phones
 *       as (415) 555-0100, 415.555.0100, +1 415 555 0100 or 4155550100;
 *   <li>3% of customers live in two-person households sharing one tablet: both browse on it and
 *       both log in on it;
 *   <li>one public kiosk per 5,000 people, used by 20-60 customers, each browsing anonymously then
 *       logging in;
 *   <li>typos: 3% of emails sent are mistyped without a TLD ({@code jon.smith@gmial}, {@code
 *       jon.smith@gmail}) or without the @ ({@code jon.smith.gmail.com});
 *   <li>blocked values: 1% of logins send userId "undefined" or "null", 1% of emails are {@code
 *       test@test.com}, 2% of devices report the all-zero device id as their anonymousId;
 *   <li>one bot per 1,000 people: 200-3,000 page views from one anonymous id, never identified.
 * </ul>
 *
 * <p>A device on which its owner never identifies in any way cannot be told apart from another
 * person by any identifier, so no person is given such a device except the anonymous-only visitors
 * (one device each). Events are spread over 30 days and returned in the canonical order
 * (received_at, message_id).
 */
public final class SyntheticTenant {

  /** The situations the generator produces; each event is counted under one. */
  public enum Scenario {
    ANONYMOUS_VISITOR,
    ANONYMOUS_BROWSING_THEN_LOGIN,
    LOGGED_IN,
    SECOND_DEVICE,
    EMAIL_FORMATS,
    PHONE_FORMATS,
    NEWSLETTER_EMAIL_ONLY,
    ALIAS,
    SHARED_FAMILY_DEVICE,
    KIOSK,
    TYPO_EMAIL,
    BLOCKED_VALUE,
    BOT
  }

  /**
   * A generated tenant.
   *
   * @param events in canonical order
   * @param personOf message id → the true person (0 to people-1 for people, then one per bot)
   * @param people real people
   * @param bots bots (each a person of its own)
   * @param scenarioEvents events generated under each scenario
   * @param scenarioOf message id → the scenario the event was generated under
   */
  public record Dataset(
      List<IdentityEvent> events,
      Map<String, Integer> personOf,
      int people,
      int bots,
      Map<Scenario, Integer> scenarioEvents,
      Map<String, Scenario> scenarioOf) {}

  static final String ZERO_DEVICE = "00000000-0000-0000-0000-000000000000";
  private static final long START = Instant.parse("2026-10-25T00:00:00Z").getEpochSecond();
  private static final long DAYS = 30;
  private static final String[] FIRST = {
    "jon",
    "anna",
    "maria",
    "li",
    "omar",
    "sofia",
    "james",
    "chen",
    "fatima",
    "lucas",
    "emma",
    "noah",
    "ava",
    "mohammed",
    "olga",
    "raj",
    "yuki",
    "pedro",
    "zoe",
    "ivan"
  };
  private static final String[] LAST = {
    "smith", "garcia", "nguyen", "kim", "muller", "rossi", "silva", "khan", "cohen", "brown",
    "tanaka", "lopez", "novak", "dubois", "patel", "wilson"
  };
  private static final String[] DOMAINS = {
    "gmail.com", "yahoo.com", "outlook.com", "icloud.com", "proton.me", "acme-mail.co.uk"
  };
  private static final int[] AREAS = {415, 212, 312, 646, 213, 617, 206, 305, 512, 303};
  private static final String[] EVENTS = {
    "Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Search"
  };

  private final Random r;
  private final List<Draft> drafts = new ArrayList<>();
  private final Map<Scenario, Integer> scenarioEvents = new EnumMap<>(Scenario.class);
  private long sequence;

  private record Draft(
      String messageId,
      String type,
      String event,
      String userId,
      String anonymousId,
      String previousId,
      long timestampMicros,
      long receivedMicros,
      String traits,
      int person,
      Scenario scenario) {}

  private SyntheticTenant(long seed) {
    this.r = new Random(seed);
  }

  /** Generates a tenant of {@code people} people (plus bots) from {@code seed}. */
  public static Dataset generate(int people, long seed) {
    return new SyntheticTenant(seed).build(people);
  }

  private Dataset build(int people) {
    List<Person> persons = new ArrayList<>();
    for (int p = 0; p < people; p++) {
      persons.add(new Person(p, r.nextInt(100) >= 15));
    }
    for (Person person : persons) {
      if (!person.registered) {
        anonymousVisitor(person);
        continue;
      }
      int devices = pick(new int[] {50, 30, 15, 5}) + 1;
      for (int d = 0; d < devices; d++) {
        String anon = deviceId();
        int kind = d == 0 ? 0 : pick(new int[] {75, 15, 10});
        switch (kind) {
          case 0 -> loginDevice(person, anon, d == 0 ? null : Scenario.SECOND_DEVICE);
          case 1 -> newsletterDevice(person, anon);
          default -> aliasDevice(person, anon);
        }
      }
    }
    // two-person households sharing a tablet: consecutive registered people, 3% of them
    List<Person> registered = persons.stream().filter(p -> p.registered).toList();
    for (int i = 0; i + 1 < registered.size(); i += 2) {
      if (r.nextInt(100) < 3) {
        String tablet = deviceId();
        for (Person member : List.of(registered.get(i), registered.get(i + 1))) {
          loginSession(member, tablet, randomTime(), Scenario.SHARED_FAMILY_DEVICE);
          for (int s = r.nextInt(3); s > 0; s--) {
            trackSession(member, tablet, randomTime(), Scenario.SHARED_FAMILY_DEVICE);
          }
        }
      }
    }
    int kiosks = Math.max(1, people / 5_000);
    for (int k = 0; k < kiosks && !registered.isEmpty(); k++) {
      String kiosk = deviceId();
      for (int v = 20 + r.nextInt(41); v > 0; v--) {
        Person visitor = registered.get(r.nextInt(registered.size()));
        loginSession(visitor, kiosk, randomTime(), Scenario.KIOSK);
      }
    }
    int bots = Math.max(1, people / 1_000);
    for (int b = 0; b < bots; b++) {
      String anon = deviceId();
      for (int e = 200 + r.nextInt(2_801); e > 0; e--) {
        add(Scenario.BOT, "page", null, null, anon, null, randomTime(), null, people + b);
      }
    }
    drafts.sort(Comparator.comparingLong(Draft::receivedMicros).thenComparing(Draft::messageId));
    List<IdentityEvent> events = new ArrayList<>(drafts.size());
    Map<String, Integer> personOf = new HashMap<>(drafts.size() * 2);
    Map<String, Scenario> scenarioOf = new HashMap<>(drafts.size() * 2);
    for (Draft d : drafts) {
      events.add(
          new IdentityEvent(
              d.messageId,
              d.type,
              d.event,
              d.userId,
              d.anonymousId,
              d.previousId,
              instant(d.timestampMicros),
              instant(d.receivedMicros),
              null,
              d.traits,
              null));
      personOf.put(d.messageId, d.person);
      scenarioOf.put(d.messageId, d.scenario);
    }
    return new Dataset(
        Collections.unmodifiableList(events),
        Collections.unmodifiableMap(personOf),
        people,
        bots,
        Collections.unmodifiableMap(scenarioEvents),
        Collections.unmodifiableMap(scenarioOf));
  }

  private final class Person {
    final int index;
    final boolean registered;
    final String userId;
    final String email;
    final String phone;

    Person(int index, boolean registered) {
      this.index = index;
      this.registered = registered;
      this.userId = "usr_" + (1_000_000 + index);
      String first = FIRST[r.nextInt(FIRST.length)];
      String last = LAST[r.nextInt(LAST.length)];
      this.email = first + "." + last + index + "@" + DOMAINS[r.nextInt(DOMAINS.length)];
      this.phone =
          r.nextInt(100) < 40
              ? String.format(
                  "%d%03d%04d",
                  AREAS[index % AREAS.length], 200 + (index / 10_000) % 800, index % 10_000)
              : null;
    }
  }

  private void anonymousVisitor(Person p) {
    String anon = deviceId();
    for (int s = 1 + r.nextInt(3); s > 0; s--) {
      long t = randomTime();
      for (int e = 1 + r.nextInt(5); e > 0; e--) {
        t = page(p, anon, t, Scenario.ANONYMOUS_VISITOR);
      }
    }
  }

  /** Browses anonymously, logs in, tracks; later sessions track logged in. */
  private void loginDevice(Person p, String anon, Scenario scenario) {
    List<Long> sessions = sessionTimes(1 + r.nextInt(4));
    loginSession(p, anon, sessions.get(0), scenario);
    for (int s = 1; s < sessions.size(); s++) {
      trackSession(p, anon, sessions.get(s), scenario == null ? Scenario.LOGGED_IN : scenario);
    }
  }

  private void loginSession(Person p, String anon, long t, Scenario scenario) {
    for (int e = r.nextInt(5); e > 0; e--) {
      t = page(p, anon, t, scenario == null ? Scenario.ANONYMOUS_BROWSING_THEN_LOGIN : scenario);
    }
    String userId = p.userId;
    Scenario identify = scenario == null ? Scenario.ANONYMOUS_BROWSING_THEN_LOGIN : scenario;
    if (r.nextInt(100) == 0) {
      userId = r.nextBoolean() ? "undefined" : "null";
      identify = Scenario.BLOCKED_VALUE;
    }
    StringBuilder traits = new StringBuilder("{");
    EmailVariant email = emailVariant(p);
    traits.append("\"email\":\"").append(email.text).append('"');
    boolean plain = identify == Scenario.ANONYMOUS_BROWSING_THEN_LOGIN;
    if (p.phone != null) {
      traits.append(",\"phone\":\"").append(phoneVariant(p.phone)).append('"');
      identify = plain ? Scenario.PHONE_FORMATS : identify;
    }
    if (email.scenario != null) {
      identify = email.scenario;
    } else if (!email.text.equals(p.email) && plain && p.phone == null) {
      identify = Scenario.EMAIL_FORMATS;
    }
    traits.append(",\"name\":\"").append(p.email, 0, p.email.indexOf('.')).append("\"}");
    t = next(t);
    add(identify, "identify", null, userId, anon, null, t, traits.toString(), p.index);
    for (int e = 1 + r.nextInt(4); e > 0; e--) {
      t = next(t);
      add(
          scenario == null ? Scenario.ANONYMOUS_BROWSING_THEN_LOGIN : scenario,
          "track",
          EVENTS[r.nextInt(EVENTS.length)],
          userId,
          anon,
          null,
          t,
          null,
          p.index);
    }
  }

  private void trackSession(Person p, String anon, long t, Scenario scenario) {
    for (int e = 1 + r.nextInt(6); e > 0; e--) {
      t = next(t);
      add(
          scenario,
          "track",
          EVENTS[r.nextInt(EVENTS.length)],
          p.userId,
          anon,
          null,
          t,
          null,
          p.index);
    }
  }

  /** Identified by email only (a newsletter form); never logs in on this device. */
  private void newsletterDevice(Person p, String anon) {
    List<Long> sessions = sessionTimes(1 + r.nextInt(3));
    long t = sessions.get(0);
    for (int e = 1 + r.nextInt(4); e > 0; e--) {
      t = page(p, anon, t, Scenario.NEWSLETTER_EMAIL_ONLY);
    }
    EmailVariant email = emailVariant(p);
    t = next(t);
    add(
        email.scenario == null ? Scenario.NEWSLETTER_EMAIL_ONLY : email.scenario,
        "identify",
        null,
        null,
        anon,
        null,
        t,
        "{\"email\":\"" + email.text + "\",\"newsletter\":true}",
        p.index);
    for (int s = 1; s < sessions.size(); s++) {
      long u = sessions.get(s);
      for (int e = 1 + r.nextInt(4); e > 0; e--) {
        u = page(p, anon, u, Scenario.NEWSLETTER_EMAIL_ONLY);
      }
    }
  }

  /** An app whose events stay anonymous; the backend aliases its anonymous id to the user id. */
  private void aliasDevice(Person p, String anon) {
    List<Long> sessions = sessionTimes(1 + r.nextInt(3));
    long t = sessions.get(0);
    for (int e = 1 + r.nextInt(4); e > 0; e--) {
      t = page(p, anon, t, Scenario.ALIAS);
    }
    t = next(t);
    add(Scenario.ALIAS, "alias", null, p.userId, null, anon, t, null, p.index);
    for (int s = 1; s < sessions.size(); s++) {
      long u = sessions.get(s);
      for (int e = 1 + r.nextInt(4); e > 0; e--) {
        u = page(p, anon, u, Scenario.ALIAS);
      }
    }
  }

  private record EmailVariant(String text, Scenario scenario) {}

  private EmailVariant emailVariant(Person p) {
    int roll = r.nextInt(100);
    if (roll < 3) {
      String local = p.email.substring(0, p.email.indexOf('@'));
      String domain = p.email.substring(p.email.indexOf('@') + 1);
      String typo =
          switch (r.nextInt(3)) {
            case 0 -> local + "@gmial";
            case 1 -> local + "@" + domain.substring(0, domain.indexOf('.'));
            default -> local + "." + domain;
          };
      return new EmailVariant(typo, Scenario.TYPO_EMAIL);
    }
    if (roll < 4) {
      return new EmailVariant("test@test.com", Scenario.BLOCKED_VALUE);
    }
    String text =
        switch (r.nextInt(5)) {
          case 0 -> p.email.toUpperCase(Locale.ROOT);
          case 1 -> "  " + p.email + " ";
          case 2 -> capitalized(p.email);
          default -> p.email;
        };
    return new EmailVariant(text, null);
  }

  private static String capitalized(String email) {
    StringBuilder b = new StringBuilder(email);
    b.setCharAt(0, Character.toUpperCase(b.charAt(0)));
    int dot = email.indexOf('.');
    b.setCharAt(dot + 1, Character.toUpperCase(b.charAt(dot + 1)));
    int at = email.indexOf('@');
    b.setCharAt(at + 1, Character.toUpperCase(b.charAt(at + 1)));
    return b.toString();
  }

  private String phoneVariant(String digits) {
    String a = digits.substring(0, 3);
    String b = digits.substring(3, 6);
    String c = digits.substring(6);
    return switch (r.nextInt(4)) {
      case 0 -> "(" + a + ") " + b + "-" + c;
      case 1 -> a + "." + b + "." + c;
      case 2 -> "+1 " + a + " " + b + " " + c;
      default -> digits;
    };
  }

  private long page(Person p, String anon, long t, Scenario scenario) {
    t = next(t);
    if (anon.equals(ZERO_DEVICE)) {
      scenario = Scenario.BLOCKED_VALUE;
    }
    add(scenario, "page", null, null, anon, null, t, null, p.index);
    return t;
  }

  private void add(
      Scenario scenario,
      String type,
      String event,
      String userId,
      String anonymousId,
      String previousId,
      long timestampMicros,
      String traits,
      int person) {
    String messageId = hex16(r.nextLong()) + "-" + Long.toHexString(sequence++);
    long received = timestampMicros + 50_000 + r.nextInt(2_000_000);
    drafts.add(
        new Draft(
            messageId,
            type,
            event,
            userId,
            anonymousId,
            previousId,
            timestampMicros,
            received,
            traits,
            person,
            scenario));
    scenarioEvents.merge(scenario, 1, Integer::sum);
  }

  /** A device's anonymous id: a random UUID, or for 2% of devices the all-zero id. */
  private String deviceId() {
    if (r.nextInt(100) < 2) {
      return ZERO_DEVICE;
    }
    long hi = r.nextLong();
    long lo = r.nextLong();
    String hex = hex16(hi) + hex16(lo);
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-4"
        + hex.substring(13, 16)
        + "-a"
        + hex.substring(17, 20)
        + "-"
        + hex.substring(20);
  }

  private static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  private List<Long> sessionTimes(int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(randomTime());
    }
    out.sort(null);
    return out;
  }

  private long randomTime() {
    return (START + (long) (r.nextDouble() * DAYS * 86_400)) * 1_000_000L;
  }

  /** The next event of a session: 2 to 120 seconds later. */
  private long next(long t) {
    return t + (2 + r.nextInt(119)) * 1_000_000L + r.nextInt(1_000_000);
  }

  private int pick(int[] weights) {
    int roll = r.nextInt(100);
    for (int i = 0; i < weights.length; i++) {
      roll -= weights[i];
      if (roll < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1_000);
  }
}
