package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic synthetic traffic for one tenant: people with several devices and emails in varying
 * case and spacing, anonymous browsing before they identify, orders with revenue, phone numbers in
 * national and international formats, a client retry that repeats a batch (duplicates), and a few
 * broken calls (missing identity, bad timestamps) so quarantine has something to show.
 * Deterministic for a given seed.
 */
final class TrafficGenerator {
  private static final String[] FIRST = {
    "Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca", "Mia", "Noah", "Olga", "Priya"
  };
  private static final String[] LAST = {
    "Silva",
    "Okafor",
    "Müller",
    "Tanaka",
    "Novak",
    "Haddad",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Larsen"
  };
  private static final String[] PAGES = {
    "Home", "Pricing", "Shoes", "Jackets", "Sale", "Blog", "Checkout"
  };
  private static final String[] PRODUCTS = {
    "Trail Runner", "Rain Jacket", "Wool Socks", "City Sneaker", "Down Vest"
  };

  private final Random random;
  private final Instant start;

  TrafficGenerator(long seed, Instant start) {
    this.random = new Random(seed);
    this.start = start;
  }

  /** One HTTP request to send: path and JSON body. */
  record Request(String path, String body) {}

  List<Request> generate(int people) {
    List<Request> out = new ArrayList<>();
    for (int p = 0; p < people; p++) {
      String first = FIRST[random.nextInt(FIRST.length)];
      String last = LAST[random.nextInt(LAST.length)];
      String userId = "u-" + (100_000 + p);
      String email = (first + "." + last + p + "@example.com").replace("é", "e").replace("ü", "u");
      int devices = 1 + random.nextInt(3);
      List<ObjectNode> batch = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        String anon = uuid();
        Instant t = start.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 3)));
        int views = 1 + random.nextInt(5);
        for (int v = 0; v < views; v++) {
          t = t.plusSeconds(5 + random.nextInt(120));
          ObjectNode page = call("page", anon, null, t);
          String name = PAGES[random.nextInt(PAGES.length)];
          page.put("name", name);
          page.putObject("properties")
              .put("url", "https://shop.example.com/" + name.toLowerCase(Locale.ROOT))
              .put("title", name);
          batch.add(page);
        }
        ObjectNode identify = call("identify", anon, userId, t.plusSeconds(30));
        ObjectNode traits = identify.putObject("traits");
        traits.put("email", variant(email));
        traits.put("firstName", first);
        traits.put("lastName", last);
        if (random.nextBoolean()) {
          traits.put("phone", phone());
        }
        batch.add(identify);
        if (random.nextInt(3) == 0) {
          ObjectNode order = call("track", anon, userId, t.plusSeconds(90));
          order.put("event", "Order Completed");
          ObjectNode props = order.putObject("properties");
          props.put("order_id", "o-" + uuid().substring(0, 8));
          props.put("revenue", Math.round((20 + random.nextDouble() * 280) * 100) / 100.0);
          props.put("currency", "USD");
          ArrayNode products = props.putArray("products");
          products
              .addObject()
              .put("name", PRODUCTS[random.nextInt(PRODUCTS.length)])
              .put("quantity", 1 + random.nextInt(2));
          batch.add(order);
        }
      }
      if (random.nextInt(4) == 0) {
        // A single call rather than a batch, as server-side libraries often send.
        ObjectNode single = batch.remove(batch.size() - 1);
        out.add(new Request("/v1/" + single.get("type").asText(), single.toString()));
      }
      if (!batch.isEmpty()) {
        String body = batchBody(batch);
        out.add(new Request("/v1/batch", body));
        if (random.nextInt(10) == 0) {
          out.add(new Request("/v1/batch", body)); // a client retry: same messageIds again
        }
      }
    }
    // A few broken calls inside a batch: kept, reported, quarantined with their reason.
    List<ObjectNode> broken = new ArrayList<>();
    ObjectNode noIdentity =
        Json.MAPPER
            .createObjectNode()
            .put("type", "track")
            .put("event", "Orphan Event")
            .put("messageId", uuid());
    broken.add(noIdentity);
    ObjectNode badTime = call("page", uuid(), null, start);
    badTime.put("timestamp", "yesterday at noon");
    broken.add(badTime);
    broken.add(call("track", uuid(), null, start)); // track without an event name
    out.add(new Request("/v1/batch", batchBody(broken)));
    return out;
  }

  private String batchBody(List<ObjectNode> calls) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("batch");
    calls.forEach(items::add);
    body.putObject("context")
        .putObject("library")
        .put("name", "meridian-demo")
        .put("version", "0.1.0");
    Instant sentAt = start.plus(Duration.ofDays(3));
    body.put("sentAt", sentAt.toString());
    return body.toString();
  }

  private ObjectNode call(String type, String anonymousId, String userId, Instant at) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", type);
    c.put("messageId", uuid());
    if (anonymousId != null) {
      c.put("anonymousId", anonymousId);
    }
    if (userId != null) {
      c.put("userId", userId);
    }
    c.put("originalTimestamp", at.toString());
    c.putObject("context")
        .put("ip", "203.0.113." + random.nextInt(255))
        .put("userAgent", "Mozilla/5.0 (demo)");
    return c;
  }

  private String variant(String email) {
    return switch (random.nextInt(3)) {
      case 0 -> email;
      case 1 -> " " + email.toUpperCase(Locale.ROOT);
      default -> Character.toUpperCase(email.charAt(0)) + email.substring(1) + " ";
    };
  }

  private String phone() {
    int n = 2_000_000 + random.nextInt(7_000_000);
    String digits = String.valueOf(n);
    return switch (random.nextInt(3)) {
      case 0 -> "(415) " + digits.substring(0, 3) + "-" + digits.substring(3);
      case 1 -> "+1 415 " + digits.substring(0, 3) + " " + digits.substring(3);
      default -> "415." + digits.substring(0, 3) + "." + digits.substring(3);
    };
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }
}
