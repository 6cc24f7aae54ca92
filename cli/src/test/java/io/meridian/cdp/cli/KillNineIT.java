package io.meridian.cdp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meridian.cdp.local.DuckDbSqlEngine;
import io.meridian.cdp.sql.QueryResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability before acknowledgement, tested on real processes: a {@code cdp serve} process under
 * concurrent load is killed with SIGKILL (Process.destroyForcibly on Linux) several times, at
 * moments that fall during request handling and during background pipeline runs, then restarted.
 * Every event that was answered 200 must end up in clean.events exactly once.
 */
class KillNineIT {
  private static final String KEY = "wk_kill_nine_integration_test_key";
  private static final int KILLS = 3;

  @TempDir Path data;

  @Test
  void acknowledgedEventsSurviveKillNineWithoutDuplicates() throws Exception {
    assertThat(cdp("sources", "add", "--tenant", "demo", "web", "--write-key", KEY)).isZero();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicLong sequence = new AtomicLong();
    for (int round = 0; round < KILLS; round++) {
      int port = freePort();
      Process server = startServer(port);
      try {
        awaitHealthy(port);
        long target = acknowledged.size() + 400 + round * 150L;
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int c = 0; c < 8; c++) {
          clients.submit(() -> sendUntilStopped(port, stop, sequence, acknowledged));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
        server.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        server.waitFor(10, TimeUnit.SECONDS);
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        server.destroyForcibly();
      }
    }
    assertThat(cdp("run")).isZero();
    try (DuckDbSqlEngine sql = new DuckDbSqlEngine(data.resolve("lake"))) {
      QueryResult ids = sql.query("SELECT message_id FROM clean.events WHERE tenant = 'demo'");
      List<String> stored = new ArrayList<>();
      ids.rows().forEach(r -> stored.add((String) r.get(0)));
      assertThat(new HashSet<>(stored)).as("no duplicates downstream").hasSize(stored.size());
      assertThat(new HashSet<>(stored)).as("no acknowledged event lost").containsAll(acknowledged);
      QueryResult balance =
          sql.query(
              "SELECT sum(input) - sum(output) - sum(duplicates) - sum(quarantined_total) FROM"
                  + " ops.accounting WHERE stage = 'clean'");
      assertThat(((Number) balance.scalar()).longValue()).isZero();
    }
  }

  private void sendUntilStopped(
      int port, AtomicBoolean stop, AtomicLong sequence, Set<String> acknowledged) {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    String auth =
        "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
    while (!stop.get()) {
      String id = "kill9-" + sequence.incrementAndGet();
      String body =
          "{\"userId\":\"u-"
              + (sequence.get() % 97)
              + "\",\"event\":\"Clicked\",\"messageId\":\""
              + id
              + "\",\"properties\":{\"n\":"
              + sequence.get()
              + "}}";
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/track"))
                    .header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          acknowledged.add(id);
        }
      } catch (IOException e) {
        // The server died mid-request: this event was never acknowledged.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Process startServer(int port) throws IOException {
    String jar = System.getProperty("cdp.jar");
    assertThat(jar).as("failsafe passes -Dcdp.jar").isNotNull();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-jar",
            jar,
            "serve",
            "--port",
            Integer.toString(port),
            "--data",
            data.toString(),
            "--pipeline-interval",
            "1")
        .redirectErrorStream(true)
        .redirectOutput(data.resolve("server-" + port + ".log").toFile())
        .start();
  }

  private static void awaitHealthy(int port) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                client
                        .send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  private int cdp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--data");
    all.add(data.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cdp.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertThat(err.toString()).as("stderr of cdp %s", all).doesNotContain("Exception");
    return code;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
