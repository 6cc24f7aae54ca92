package io.meridian.cdp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.accounting.RunReport;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.local.LocalPipeline;
import io.meridian.cdp.local.activation.WebhookReceiver;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The second half of {@code cdp demo}: segments, activation to a webhook receiver, and the profile
 * API — a marketer's view of what the pipeline built.
 */
final class ActivationDemo {
  private ActivationDemo() {}

  /** Runs steps 5–7; true when every webhook was signed validly and every change arrived. */
  static boolean run(
      PrintWriter out,
      LocalRuntime rt,
      LocalPipeline pipeline,
      WebhookReceiver webhooks,
      int port,
      String writeKey,
      String readKey)
      throws Exception {
    Inbox receiver = new Inbox(webhooks);
    HttpClient client = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    boolean ok = true;

    out.println(
        "5. Segments (from "
            + DemoSegments.FILE
            + " in the data folder's segments/demo/) and activation to a webhook:");
    try (DuckDbSqlEngine sql = rt.sql()) {
      out.print(
          ResultFormat.table(
              sql.query(
                  "SELECT segment_id, count(*) AS members FROM curated.segment_membership WHERE"
                      + " tenant = 'demo' GROUP BY 1 ORDER BY 1")));
    }
    List<WebhookReceiver.Delivery> first = receiver.take();
    ok &= report(out, first, "   the webhook receiver at " + receiver.url() + " got");
    if (!first.isEmpty()) {
      out.println("   one of them:");
      out.println(
          indent(
              Json.MAPPER
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(first.get(0).body())));
    }

    out.println("6. An account manager marks three customers gold, then one of them cancels:");
    List<String> users;
    try (DuckDbSqlEngine sql = rt.sql()) {
      users =
          sql
              .query(
                  "SELECT g.identifier FROM curated.identity_graph g WHERE g.tenant = 'demo' AND"
                      + " g.identifier_type = 'user_id' AND g.profile_id NOT IN (SELECT profile_id"
                      + " FROM curated.segment_membership WHERE tenant = 'demo' AND segment_id ="
                      + " 'gold-tier') ORDER BY g.identifier LIMIT 3")
              .rows()
              .stream()
              .map(r -> (String) r.get(0))
              .toList();
    }
    for (String user : users) {
      ok &= identify(client, base, writeKey, user, "gold");
    }
    RunReport gold = pipeline.runOnce();
    out.println(indent(gold.toTable()));
    List<WebhookReceiver.Delivery> entered = receiver.take();
    ok &= report(out, entered, "   received");
    ok &= count(entered, "entered") == users.size();
    ok &= identify(client, base, writeKey, users.get(0), "silver");
    pipeline.runOnce();
    List<WebhookReceiver.Delivery> exited = receiver.take();
    ok &= report(out, exited, "   after the cancellation, received");
    ok &= count(exited, "exited") == 1;

    out.println(
        "7. The profile API (GET /v1/profiles?identifier_type=user_id&identifier=...) with a read"
            + " key (create one: ./cdp tenants read-key demo):");
    HttpResponse<String> profile =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "/v1/profiles?identifier_type=user_id&identifier="
                            + URLEncoder.encode(users.get(1), StandardCharsets.UTF_8)))
                .header("Authorization", basic(readKey))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    out.println("   HTTP " + profile.statusCode());
    if (profile.statusCode() == 200) {
      ObjectNode p = (ObjectNode) Json.MAPPER.readTree(profile.body());
      ObjectNode shown = Json.MAPPER.createObjectNode();
      shown.set("profile_id", p.get("profile_id"));
      shown.set("traits", p.get("traits"));
      shown.set("identifiers", p.get("identifiers"));
      shown.set("segments", p.get("segments"));
      out.println(indent(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(shown)));
      ok &= profile.body().contains("\"gold-tier\"");
    } else {
      ok = false;
    }
    out.flush();
    return ok;
  }

  /** What the receiver got since the last look. */
  private static final class Inbox {
    private final WebhookReceiver receiver;
    private int seen;

    Inbox(WebhookReceiver receiver) {
      this.receiver = receiver;
    }

    String url() {
      return receiver.url();
    }

    List<WebhookReceiver.Delivery> take() {
      List<WebhookReceiver.Delivery> all = receiver.received();
      List<WebhookReceiver.Delivery> fresh = all.subList(seen, all.size());
      seen = all.size();
      return fresh;
    }
  }

  private static boolean report(PrintWriter out, List<WebhookReceiver.Delivery> got, String what) {
    long valid = got.stream().filter(WebhookReceiver.Delivery::signatureValid).count();
    out.printf(
        "%s %d events (%d entered, %d exited); valid signatures: %d of %d%n",
        what, got.size(), count(got, "entered"), count(got, "exited"), valid, got.size());
    for (WebhookReceiver.Delivery r : got.subList(0, Math.min(got.size(), 5))) {
      JsonNode d = r.body().path("detail");
      out.printf(
          "     %-8s %-12s %s %s%n",
          d.path("change").asText(),
          d.path("segment").path("id").asText(),
          d.path("profile_id").asText(),
          d.path("identifiers").path("email").path(0).asText(""));
    }
    if (got.size() > 5) {
      out.printf("     ... and %d more%n", got.size() - 5);
    }
    return valid == got.size();
  }

  private static long count(List<WebhookReceiver.Delivery> got, String change) {
    return got.stream()
        .filter(r -> r.body().path("detail").path("change").asText().equals(change))
        .count();
  }

  private static boolean identify(
      HttpClient client, String base, String writeKey, String user, String tier)
      throws IOException, InterruptedException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("messageId", java.util.UUID.randomUUID().toString()); // as every SDK sends one
    body.put("userId", user);
    body.putObject("traits").put("tier", tier);
    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/identify"))
                .header("Authorization", basic(writeKey))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode() == 200;
  }

  /** The Authorization header SDKs send: HTTP Basic with the key as user name. */
  static String basic(String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
  }

  private static String indent(String text) {
    return text.strip().indent(3).stripTrailing();
  }
}
