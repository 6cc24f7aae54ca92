package io.meridian.cdp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.event.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class CliTest {
  private static final Pattern WRITE_KEY = Pattern.compile("wk_[A-Za-z0-9_-]{32}");

  @TempDir Path temp;

  private Path data;

  /** What one invocation printed and returned. */
  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    data = temp.resolve("data");
  }

  private Result cdp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--help") && !all.isEmpty() && !all.get(0).equals("help")) {
      all.add("--data");
      all.add(data.toString());
    }
    return cdpWithoutData(all.toArray(new String[0]));
  }

  /** Runs a command that takes no --data (the benchmarks). */
  private static Result cdpWithoutData(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cdp.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private static void assertOneLineError(Result r) {
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).doesNotContain("at io.meridian", "Exception", "\tat ");
  }

  private void addSource(String tenant, String source, String key) {
    assertThat(cdp("tenants", "add", tenant).code()).isZero();
    Result r = cdp("sources", "add", "--tenant", tenant, source, "--write-key", key);
    assertThat(r.code()).as(r.toString()).isZero();
  }

  private long count(String sql) {
    Result r = cdp("sql", "--format", "csv", sql);
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> lines = r.out().strip().lines().toList();
    return Long.parseLong(lines.get(lines.size() - 1));
  }

  private Path write(String name, String content) throws IOException {
    Path f = temp.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  /** Every command of the tree, as the words that invoke it. */
  static Stream<List<String>> commands() {
    List<List<String>> out = new ArrayList<>();
    collect(new CommandLine(new Cdp()), new ArrayList<>(), out);
    return out.stream();
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    cmd.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().name().equals(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, out);
              }
            });
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandPrintsItsHelpAndExitsZero(List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.add("--help");

    Result r = cdp(args.toArray(new String[0]));

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Usage:");
    assertThat(r.err()).isEmpty();
    assertThat(data).doesNotExist();
  }

  @Test
  void listsATenantAfterItWasAdded() {
    Result add = cdp("tenants", "add", "acme", "--name", "Acme Inc", "--phone-region", "DE");
    assertThat(add.code()).as(add.toString()).isZero();
    assertThat(add.out()).contains("Added tenant 'acme'");

    Result list = cdp("tenants", "list");

    assertThat(list.code()).isZero();
    assertThat(list.out().lines().filter(l -> l.startsWith("acme ")))
        .singleElement()
        .asString()
        .contains("Acme Inc", "20000", "DE");
    assertThat(list.out()).contains("demo");
  }

  @Test
  void refusesToAddATenantTwice() {
    assertThat(cdp("tenants", "add", "acme").code()).isZero();

    Result again = cdp("tenants", "add", "acme");

    assertOneLineError(again);
    assertThat(again.err()).contains("tenant 'acme' already exists");
  }

  static Stream<String> invalidTenantIds() {
    return Stream.of("../x", "Acme", "a".repeat(65));
  }

  @ParameterizedTest
  @MethodSource("invalidTenantIds")
  void refusesAnInvalidTenantIdWithOneLineAndExitCode2(String id) throws IOException {
    Result r = cdp("tenants", "add", id);

    assertOneLineError(r);
    assertThat(r.err()).contains("tenant id");
    assertThat(data.resolve("cdp.yaml")).as("nothing is created for a refused id").doesNotExist();
  }

  @Test
  void printsAGeneratedWriteKeyOnceAndStoresOnlyItsHash() throws IOException {
    assertThat(cdp("tenants", "add", "acme").code()).isZero();

    Result r = cdp("sources", "add", "--tenant", "acme", "web");

    assertThat(r.code()).as(r.toString()).isZero();
    Matcher m = WRITE_KEY.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    String key = m.group();
    assertThat(m.find()).as("the key is printed once").isFalse();
    assertThat(r.out().split(Pattern.quote(key), -1)).hasSize(2);
    String yaml = Files.readString(data.resolve("cdp.yaml"));
    assertThat(yaml).doesNotContain(key).doesNotContain("wk_");
    List<String> hashes =
        yaml.lines()
            .map(String::strip)
            .filter(l -> l.startsWith("- sha256:") || l.startsWith("- \"sha256:"))
            .toList();
    assertThat(hashes).hasSize(2); // demo/web and acme/web
    assertThat(cdp("tenants", "list").out()).contains("web (1)");
  }

  @Test
  void refusesASourceForAMissingTenantWithAHint() {
    Result r = cdp("sources", "add", "--tenant", "ghost", "web");

    assertOneLineError(r);
    assertThat(r.err()).contains("no tenant 'ghost'", "cdp tenants add ghost");
  }

  @Test
  void acceptsAGivenWriteKeyAndRefusesItsReuse() throws IOException {
    assertThat(cdp("tenants", "add", "acme").code()).isZero();
    String key = "acme-web-key-0123456789";

    Result first = cdp("sources", "add", "--tenant", "acme", "web", "--write-key", key);
    Result again = cdp("sources", "add", "--tenant", "acme", "app", "--write-key", key);

    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("Added write key for acme/web").doesNotContain(key);
    assertThat(Files.readString(data.resolve("cdp.yaml"))).doesNotContain(key);
    assertOneLineError(again);
    assertThat(again.err()).contains("already in use");
    assertThat(cdp("tenants", "list").out()).doesNotContain("app (");
    assertOneLineError(cdp("sources", "add", "--tenant", "acme", "ios", "--write-key", "short"));
  }

  @Test
  void runsSqlInEveryFormat() throws IOException {
    String sql = "SELECT 1 AS one, 'a,b' AS txt";

    Result table = cdp("sql", sql);
    Result csv = cdp("sql", "--format", "csv", sql);
    Result json = cdp("sql", "--format", "json", sql);

    assertThat(List.of(table.code(), csv.code(), json.code())).containsOnly(0);
    assertThat(table.out()).contains("one | txt").contains("1   | a,b").contains("(1 row)");
    assertThat(csv.out()).endsWith("one,txt\n1,\"a,b\"\n");
    JsonNode rows = Json.MAPPER.readTree(json.out().substring(json.out().indexOf('[')));
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.get(0).get("one").isIntegralNumber()).isTrue();
    assertThat(rows.get(0).get("one").asLong()).isEqualTo(1);
    assertThat(rows.get(0).get("txt").asText()).isEqualTo("a,b");
  }

  @Test
  void catalogRegistersTheLakeTablesOnceAndDescribesOne() {
    Result first = cdp("catalog");
    assertThat(first.code()).as(first.toString()).isZero();
    List<String> tables = first.out().lines().filter(l -> l.startsWith("cdp_")).toList();
    assertThat(tables).hasSize(11).allMatch(l -> l.contains(" created "));
    assertThat(tables)
        .anyMatch(l -> l.startsWith("cdp_clean.events ") && l.endsWith("clean.events"));
    assertThat(data.resolve("catalog/cdp_clean/events.json")).isRegularFile();

    Result again = cdp("catalog");
    assertThat(again.out().lines().filter(l -> l.startsWith("cdp_")))
        .hasSize(11)
        .allMatch(l -> l.contains(" unchanged "));

    Result events = cdp("catalog", "cdp_clean.events");
    assertThat(events.code()).as(events.toString()).isZero();
    String lake = data.resolve("lake").toUri().toString();
    assertThat(events.out())
        .contains("location: " + lake + "clean/events/")
        .contains("  message_id ")
        .contains("  dt                     date")
        .contains("partition template: " + lake + "clean/events/tenant=${tenant}/dt=${dt}/");

    Result unknown = cdp("catalog", "cdp_clean.nope");
    assertOneLineError(unknown);
    assertThat(unknown.err()).contains("the catalog has no table 'nope' in database 'cdp_clean'");
  }

  @Test
  void reportsBadSqlOnOneLineWithExitCode2() {
    Result r = cdp("sql", "SELECT * FROM nowhere.nothing");

    assertOneLineError(r);
    assertThat(r.err()).contains("nothing");
  }

  @Test
  void importsJsonLinesAndQuarantinesInvalidAndUnreadableLines() throws IOException {
    addSource("acme", "web", "acme-web-key-0123456789");
    Path file =
        write(
            "calls.jsonl",
            String.join(
                "\n",
                "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Signed Up\",\"messageId\":\"m-1\"}",
                "{\"type\":\"identify\",\"userId\":\"u-1\",\"traits\":{\"email\":\" A@B.CO \"}}",
                "",
                "{\"type\":\"track\",\"userId\":\"u-2\"}",
                "this is not json",
                "{\"type\":\"page\",\"anonymousId\":\"a-1\",\"name\":\"Home\"}",
                ""));

    Result r = cdp("import", "--tenant", "acme", "--source", "web", file.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Imported 5 calls from 1 file(s) into acme/web: 3 valid, 2 to quarantine")
        .contains("line 4: missing_field")
        .contains("line 5: unreadable_record")
        .contains(" ok");
    assertThat(count("SELECT count(*) FROM clean.events WHERE tenant = 'acme'")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM quarantine.records WHERE tenant = 'acme'")).isEqualTo(2);
    assertThat(
            count(
                "SELECT count(*) FROM quarantine.records WHERE reason = 'unreadable_record'"
                    + " AND payload = 'this is not json'"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM raw.events WHERE tenant = 'acme'")).isEqualTo(5);
    assertThat(
            count(
                "SELECT count(*) FROM clean.events WHERE traits->>'email' = 'a@b.co'"
                    + " AND type = 'identify'"))
        .isEqualTo(1);
  }

  @Test
  void importsCsvWithAHeaderAndColumnMappings() throws IOException {
    addSource("acme", "crm", "acme-crm-key-0123456789");
    Path file =
        write(
            "people.csv",
            "user_id,mail,plan,seats\n"
                + "u-1, Alice@Example.COM ,pro,5\n"
                + "u-2,bob@example.com,free,1\n");

    Result r =
        cdp(
            "import",
            "--tenant",
            "acme",
            "--source",
            "crm",
            "--type",
            "identify",
            "--map",
            "mail=traits.email",
            file.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Imported 2 calls").contains("2 valid, 0 to quarantine");
    assertThat(
            count(
                "SELECT count(*) FROM clean.events WHERE type = 'identify' AND user_id = 'u-1'"
                    + " AND traits->>'email' = 'alice@example.com' AND traits->>'plan' = 'pro'"
                    + " AND CAST(traits->'seats' AS INTEGER) = 5"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM clean.events WHERE source = 'crm'")).isEqualTo(2);
  }

  @Test
  void skipsCsvRowsWithTheWrongNumberOfFieldsAndNamesTheirLines() throws IOException {
    addSource("acme", "crm", "acme-crm-key-0123456789");
    Path file =
        write(
            "people.csv",
            "user_id,email,plan\n"
                + "u-1,a@example.com,pro\n"
                + "u-2,b@example.com\n"
                + "u-3,c@example.com,free,extra\n"
                + "u-4,d@example.com,basic\n");

    Result r = cdp("import", "--tenant", "acme", "--source", "crm", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("2 valid, 0 to quarantine; 2 rows skipped")
        .contains("people.csv line 3: 2 fields, but the header has 3; row skipped")
        .contains("people.csv line 4: 4 fields, but the header has 3; row skipped");
    assertThat(count("SELECT count(*) FROM clean.events WHERE user_id IN ('u-1', 'u-4')"))
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM clean.events")).isEqualTo(2);
  }

  @Test
  void namesTheLineWhereARowStartsAfterAQuotedMultiLineField() throws IOException {
    addSource("acme", "crm", "acme-crm-key-0123456789");
    Path file =
        write(
            "notes.csv",
            "user_id,email,note\n"
                + "u-1,a@example.com,\"two\n"
                + "lines\"\n"
                + ",b@example.com,no id\n"
                + "u-3,c@example.com\n");

    Result r = cdp("import", "--tenant", "acme", "--source", "crm", file.toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("Imported 2 calls")
        .contains("1 valid, 1 to quarantine; 1 rows skipped")
        .contains("notes.csv line 4: missing_identity")
        .contains("notes.csv line 5: 2 fields, but the header has 3; row skipped");
    assertThat(count("SELECT count(*) FROM clean.events WHERE properties IS NULL")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM quarantine.records WHERE reason = 'missing_identity'"))
        .isEqualTo(1);
  }

  @Test
  void refusesAMappingOfAColumnTheCsvDoesNotHave() throws IOException {
    addSource("acme", "crm", "acme-crm-key-0123456789");
    Path file = write("people.csv", "user_id,email\nu-1,a@example.com\n");

    Result r =
        cdp(
            "import",
            "--tenant",
            "acme",
            "--source",
            "crm",
            "--map",
            "mail=traits.email",
            file.toString());

    assertOneLineError(r);
    assertThat(r.err()).contains("--map names column 'mail'");
    assertThat(count("SELECT count(*) FROM raw.events")).isZero();
  }

  @Test
  void runOnAnEmptyDataDirectoryHasNothingToDo() {
    Result r = cdp("run");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("(nothing to do)");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void anInvalidIdLeavesAFreshDataDirectoryUntouched() {
    Result r = cdp("tenants", "add", "../x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(data.resolve("cdp.yaml")).doesNotExist();
    assertThat(cdp("sources", "add", "--tenant", "acme", "Bad Name").code()).isEqualTo(2);
    assertThat(data.resolve("cdp.yaml")).doesNotExist();
  }

  @Test
  void demoTwiceStoresNewEventsTheSecondTime() throws Exception {
    assertThat(cdp("demo", "--people", "10").code()).isZero();
    assertThat(cdp("demo", "--people", "10").code()).isZero();
    Result count =
        cdp("sql", "SELECT count(DISTINCT message_id) FROM clean.events", "--format", "csv");
    Result dups =
        cdp(
            "sql",
            "SELECT sum(duplicates) FROM ops.accounting WHERE stage = 'clean'",
            "--format",
            "csv");
    long distinct = Long.parseLong(count.out().lines().skip(1).findFirst().orElseThrow().trim());
    long duplicates = Long.parseLong(dups.out().lines().skip(1).findFirst().orElseThrow().trim());
    // Each run sends its own messageIds; only the generator's deliberate client retries repeat.
    assertThat(distinct).isGreaterThan(duplicates * 2);
  }

  @Test
  void costEstimatesIngestionPerMillionEventsAndRefusesNonsense() {
    Result batched = cdp("cost");
    assertThat(batched.code()).as(batched.toString()).isZero();
    assertThat(batched.out())
        .contains("API Gateway HTTP API requests", "Kinesis on-demand", "total per million events")
        .contains("1,000,000,000 events");
    Result single = cdp("cost", "--events-per-request", "1");
    assertThat(totalPerMillion(single.out()))
        .as("every call its own request costs more")
        .isGreaterThan(totalPerMillion(batched.out()));
    Result bad = cdp("cost", "--event-bytes", "0");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("must be positive");
  }

  private static double totalPerMillion(String out) {
    String line =
        out.lines().filter(l -> l.contains("total per million events")).findFirst().orElseThrow();
    return Double.parseDouble(line.substring(line.indexOf('$') + 1).strip());
  }

  @Test
  void demoRunsEndToEndWithBalancedAccounting() {
    Result r = cdp("demo", "--people", "20");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("tenant", "received", "raw", "clean", "quarantined", "duplicates", "check");
    String accounting = r.out().substring(0, r.out().indexOf("curated tenant"));
    assertThat(accounting.lines().filter(l -> l.startsWith("demo ")))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).endsWith(" ok"));
    assertThat(r.out()).doesNotContain("MISMATCH");

    // segments → signed webhooks at the demo's receiver → the profile API
    assertThat(r.out())
        .contains("segments tenant")
        .contains("received 3 events (3 entered, 0 exited); valid signatures: 3 of 3")
        .contains("received 1 events (0 entered, 1 exited); valid signatures: 1 of 1")
        .contains("HTTP 200")
        .contains("\"segment_id\" : \"gold-tier\"");
    assertThat(
            count(
                "SELECT count(*) FROM curated.segment_changes WHERE segment_id = 'gold-tier' AND"
                    + " change = 'exited'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM curated.segment_membership m LEFT JOIN curated.profiles p"
                    + " USING (tenant, profile_id) WHERE p.profile_id IS NULL"))
        .as("every member is a current profile")
        .isZero();
  }

  @Test
  void demoResolvesOneProfilePerPersonAndMapsEveryEventToIt() {
    assertThat(cdp("demo", "--people", "20").code()).isZero();

    assertThat(count("SELECT count(*) FROM curated.profiles WHERE tenant = 'demo'")).isEqualTo(20);
    assertThat(
            count(
                "SELECT count(*) FROM clean.events e LEFT JOIN curated.event_profiles p USING"
                    + " (tenant, message_id) WHERE p.profile_id IS NULL"))
        .isZero();
    assertThat(
            count(
                "SELECT count(DISTINCT profile_id) FROM curated.identity_graph WHERE"
                    + " identifier_type = 'user_id'"))
        .isEqualTo(20);
    assertThat(count("SELECT count(*) FROM curated.profiles WHERE event_count <= 0")).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM (SELECT abs((SELECT sum(lifetime_revenue) FROM"
                    + " curated.profiles) - (SELECT sum(CAST(properties->>'revenue' AS DOUBLE))"
                    + " FROM clean.events WHERE event = 'Order Completed')) < 0.01 AS same) WHERE"
                    + " same"))
        .as("every order's revenue is in exactly one profile")
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT (SELECT sum(event_count) FROM curated.profiles) - (SELECT count(*) FROM"
                    + " clean.events)"))
        .isZero();
  }

  @Test
  void showsAProfileByAnyIdentifierAndExplainsIt() throws IOException {
    addSource("acme", "web", "acme-web-key-0123456789");
    Path file =
        write(
            "calls.jsonl",
            String.join(
                "\n",
                "{\"type\":\"page\",\"anonymousId\":\"laptop-1\",\"messageId\":\"m-1\","
                    + "\"timestamp\":\"2026-11-01T10:00:00Z\"}",
                "{\"type\":\"identify\",\"userId\":\"u-1\",\"anonymousId\":\"phone-1\","
                    + "\"traits\":{\"email\":\" Ann@Example.com \",\"plan\":\"pro\","
                    + "\"phone\":\"+1 415 555 0100\"},"
                    + "\"messageId\":\"m-2\",\"timestamp\":\"2026-11-01T10:01:00Z\"}",
                "{\"type\":\"identify\",\"userId\":\"u-1\",\"anonymousId\":\"laptop-1\","
                    + "\"messageId\":\"m-3\",\"timestamp\":\"2026-11-01T10:02:00Z\"}",
                "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u-2\","
                    + "\"anonymousId\":\"laptop-1\",\"properties\":{\"revenue\":12.5},"
                    + "\"messageId\":\"m-4\",\"timestamp\":\"2026-11-01T10:03:00Z\"}"));
    assertThat(cdp("import", "--tenant", "acme", "--source", "web", file.toString()).code())
        .isZero();

    Result byEmail = cdp("profile", "ANN@example.com", "--explain");
    assertThat(byEmail.code()).as(byEmail.toString()).isZero();
    assertThat(byEmail.out())
        .contains("user_id", "u-1", "laptop-1", "phone-1", "plan", "\"pro\"")
        .contains("was merged into")
        .contains("NOT merged with")
        .contains("user_id limit 1")
        .containsPattern("laptop-1 .*\\(shared: also used by another person");
    String profileId = byEmail.out().lines().findFirst().orElseThrow().split(" ")[1];
    Result byId = cdp("profile", profileId);
    assertThat(byId.code()).isZero();
    assertThat(byId.out()).contains("u-1").doesNotContain("How it came together");
    Result byPhone = cdp("profile", "(415) 555-0100");
    assertThat(byPhone.code()).as(byPhone.toString()).isZero();
    assertThat(byPhone.out()).contains("u-1");
    Result other = cdp("profile", "u-2");
    assertThat(other.out()).contains("1 orders, lifetime revenue 12.50").doesNotContain("u-1");

    assertOneLineError(cdp("profile", "nobody@example.com"));
    // another tenant finds nothing of acme's, by identifier or by profile id
    assertThat(cdp("tenants", "add", "globex").code()).isZero();
    assertOneLineError(cdp("profile", "u-1", "--tenant", "globex"));
    assertOneLineError(cdp("profile", profileId, "--tenant", "globex"));
    Result globexSql =
        cdp("sql", "--tenant", "globex", "--format", "csv", "SELECT count(*) FROM clean.events");
    assertThat(globexSql.out().strip().lines().toList()).as(globexSql.toString()).endsWith("0");
    Result acmeSql =
        cdp("sql", "--tenant", "acme", "--format", "csv", "SELECT count(*) FROM clean.events");
    assertThat(acmeSql.out().strip().lines().toList()).as(acmeSql.toString()).endsWith("4");
    assertOneLineError(cdp("sql", "--tenant", "nobody", "SELECT 1"));
  }

  @Test
  void segmentsOfTheDemoAreListedPreviewedAndExplained() throws IOException {
    assertThat(cdp("demo", "--people", "20").code()).isZero();
    String at =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();

    Result list = cdp("segments", "list");
    assertThat(list.code()).as(list.toString()).isZero();
    assertThat(list.out())
        .contains(
            "recent-buyers",
            "Recent buyers",
            "performed 'Order Completed' at least once in the last 30d")
        .contains("big-spenders", "browsers-not-buyers");

    long buyers =
        count(
            "SELECT count(DISTINCT ep.profile_id) FROM clean.events e JOIN curated.event_profiles"
                + " ep USING (tenant, message_id) WHERE e.tenant = 'demo' AND e.type = 'track' AND"
                + " e.event = 'Order Completed' AND e.timestamp BETWEEN TIMESTAMPTZ '"
                + at
                + "' - INTERVAL 30 DAY AND TIMESTAMPTZ '"
                + at
                + "'");
    assertThat(buyers).isPositive();
    long before = count("SELECT count(*) FROM curated.profiles");
    Result preview = cdp("segments", "preview", "recent-buyers", "--sample", "3", "--at", at);
    assertThat(preview.code()).as(preview.toString()).isZero();
    assertThat(preview.out()).contains(buyers + " members of 20 profiles").contains("email=");
    List<String> sample =
        preview.out().lines().filter(l -> l.startsWith("  p_")).map(String::strip).toList();
    assertThat(sample).hasSize((int) Math.min(3, buyers));
    assertThat(count("SELECT count(*) FROM curated.profiles")).isEqualTo(before);

    String member = sample.get(0).split(" ")[0];
    Result explain = cdp("segments", "explain", member, "recent-buyers", "--at", at);
    assertThat(explain.code()).as(explain.toString()).isZero();
    assertThat(explain.out())
        .contains("Profile " + member + " IS a member of segment recent-buyers")
        .containsPattern(
            "\\[met\\] +performed 'Order Completed' at least once in the last 30d — actual: [1-9][0-9]* matching events?");
    Result notBrowser = cdp("segments", "explain", member, "browsers-not-buyers", "--at", at);
    assertThat(notBrowser.out())
        .contains("is NOT a member of segment browsers-not-buyers")
        .contains("[met]     member of segment recent-buyers:");

    assertOneLineError(cdp("segments", "preview", "no-such-segment"));
    assertOneLineError(cdp("segments", "explain", "nobody@example.com", "recent-buyers"));
  }

  @Test
  void anInvalidSegmentFileIsRefusedOnOneLineNamingSegmentAndPath() throws IOException {
    assertThat(cdp("tenants", "list").code()).isZero(); // creates cdp.yaml with the demo tenant
    Path folder = data.resolve("segments/demo");
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("vip.yaml"),
        "id: vip\nwhere:\n  all:\n    - {computed: lifetime_revenue, gte: lots}\n");

    Result r = cdp("segments", "list");

    assertOneLineError(r);
    assertThat(r.err())
        .contains(
            "segment 'vip' at where.all[0].gte: lifetime_revenue is a number; got the string 'lots'")
        .contains("vip.yaml");
    Files.writeString(folder.resolve("vip.yaml"), "id: vip\nwhere: {in_segment: vip}\n");
    assertThat(cdp("segments", "list").err()).contains("cycle: vip -> vip");
    Path other = temp.resolve("other-segments");
    Files.createDirectories(other);
    Files.writeString(
        other.resolve("a.json"),
        "{\"id\": \"a\", \"where\": {\"trait\": \"plan\", \"eq\": \"pro\"}}");
    Result elsewhere = cdp("segments", "list", "--segments", other.toString());
    assertThat(elsewhere.code()).as(elsewhere.toString()).isZero();
    assertThat(elsewhere.out()).contains("a ", "trait plan is 'pro'", "recent-buyers");
  }

  @Test
  void segmentsBenchComputesEveryAudienceSmall() {
    // The benchmark path end to end, small; it checks itself that raw DuckDB finds the same
    // members.
    Result r =
        cdpWithoutData(
            "bench", "segments", "--profiles", "20000", "--audiences", "5", "--repeat", "1");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("20,000 profiles")
        .containsPattern("\\(a\\) alone.*[0-9,]+ members")
        .contains("(a') staged")
        .containsPattern("\\(b\\) 5 audiences in one run: .* [0-9,]+ memberships in all")
        .contains("(b') without staging");
  }

  @Test
  void refusesIdentityRulesWithAnErrorNamingTheLine() throws IOException {
    Path config =
        write(
            "bad.yaml",
            String.join(
                "\n",
                "version: 1",
                "tenants:",
                "- id: acme",
                "  identity:",
                "    identifiers:",
                "    - type: user_id",
                "      limit: 0",
                ""));
    Result r = cdp("run", "--config", config.toString());
    assertOneLineError(r);
    assertThat(r.err()).contains("limit of 'user_id' must be between 1 and 10000").contains("line");
  }

  @Test
  void identityQualityOnASyntheticTenantWithGroundTruthMeetsTheGoal() {
    // A quality regression check, not a timing one: 5,000 people include a public kiosk, shared
    // family tablets, typos, blocked values and bots (SyntheticTenant).
    Result r = cdpWithoutData("bench", "identity-quality", "--people", "5000", "--seed", "3");
    assertThat(r.code()).as(r.toString()).isZero();
    String line =
        r.out().lines().filter(l -> l.startsWith("people's events")).findFirst().orElseThrow();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("precision ([0-9.]+)\\s+recall ([0-9.]+)").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(line).isGreaterThanOrEqualTo(0.995);
    assertThat(Double.parseDouble(m.group(2))).as(line).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void identityBenchAgreesWithDuckDbOnTheConnectedComponents() {
    // Correctness of the benchmark path (not its timing): our graph with limits that never bind
    // and DuckDB's SQL label propagation must find the same components.
    Result r = cdpWithoutData("bench", "identity", "--links", "20000", "--incremental", "2000");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("(2) end to end", "(3) incremental")
        .doesNotContain("NO (ours")
        // the in-memory, end-to-end runs link every generated identifier into the same profiles
        .doesNotContain("WARNING");
    assertThat(r.out().lines().filter(l -> l.contains("same as ours (limits not binding): yes")))
        .hasSize(2);
  }

  @Test
  void convertBenchConvertsEveryGeneratedEvent() {
    // The benchmark path end to end, small: every generated call lands in the clean output.
    Result r = cdpWithoutData("bench", "convert", "--events", "2000");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("(2,000 rows; validated", "ratio per core");
  }

  @Test
  void activationBenchDeliversEverySignedEventIncludingRetries() {
    // The benchmark path end to end, small (no timing asserted): every change reaches the
    // receiver with a valid signature, the failed first attempts are retried, none dead-letter.
    Result r =
        cdpWithoutData(
            "bench", "activation", "--events", "500", "--warmup", "0", "--fail-percent", "20");

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("delivered 500 of 500", " 0 invalid", "dead-lettered 0")
        .containsPattern("incl\\. [1-9][0-9]* retries");
  }

  @Test
  void activationBenchRejectsANonsensicalOption() {
    Result r = cdpWithoutData("bench", "activation", "--fail-percent", "100");

    assertOneLineError(r);
    assertThat(r.err()).contains("--fail-percent 0-99");
  }

  @Test
  void secretsSetGeneratesAnOwnerOnlySecretTheBusCanRead() throws IOException {
    Result r = cdp("secrets", "set", "acme-crm", "--generate");

    assertThat(r.code()).as(r.toString()).isZero();
    Matcher m = Pattern.compile("whsec_[0-9a-f]{64}").matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    Path file = data.resolve("secrets").resolve("acme-crm");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(
            io.meridian.cdp.local.activation.LocalSecretStore.forDataDir(data)
                .secret(io.meridian.cdp.secret.SecretRef.parse("file:acme-crm")))
        .isEqualTo(m.group());
    assertThat(r.out()).contains("secret: file:acme-crm");
  }

  @Test
  void secretsSetRefusesANameThatIsAPath() {
    Result r = cdp("secrets", "set", "../x", "--generate");

    assertOneLineError(r);
    assertThat(r.err()).contains("secret name after 'file:' is invalid");
  }
}
