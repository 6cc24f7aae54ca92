package io.meridian.cdp.fn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.meridian.cdp.aws.MotoServer;
import io.meridian.cdp.aws.S3ObjectStore;
import io.meridian.cdp.aws.SecretsManagerSecretStore;
import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.clean.ObjectStoreDedupIndex;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.CuratedErasure;
import io.meridian.cdp.identity.CuratedStore;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.MovingClock;
import io.meridian.cdp.privacy.AuditLog;
import io.meridian.cdp.privacy.ErasureReport;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The erase handler with its real adapters — {@link S3ObjectStore} on a versioned bucket and {@link
 * SecretsManagerSecretStore}, both on moto server — given the {@code Erasure Requested} event the
 * state machine passes: the person leaves clean, curated and raw on S3 (earlier raw versions
 * destroyed), the signed report verifies with the privacy key from Secrets Manager, and the audit
 * log records the request without the identifier. Only Lambda's {@link Context} is a stand-in (no
 * Lambda runtime here): it reports the time left, so the test can make a job pause and resume.
 */
class EraseOnMotoIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final String PRIVACY_KEY = "moto-privacy-key-of-acme-0123456789";
  private static final String AUDIT_KEY = "moto-audit-head-key-0123456789";
  private static final String RAW_KEY =
      "raw/tenant=acme/source=web/dt=2026-11-01/hour=00/b0.jsonl.gz";

  @TempDir Path work;

  private S3Client s3;
  private S3ObjectStore lake;
  private String bucket;
  private CdpConfig config;

  @BeforeEach
  void lakeWithAliceAndBob() throws Exception {
    s3 = MOTO.s3();
    bucket = "lake-erase-" + System.nanoTime();
    s3.createBucket(b -> b.bucket(bucket));
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    lake = new S3ObjectStore(s3, bucket);
    String secret = "cdp-it-tenant/privacy-acme";
    var sm = MOTO.secretsManager();
    if (sm.listSecrets(r -> r.filters(f -> f.key("name").values(secret))).secretList().isEmpty()) {
      sm.createSecret(r -> r.name(secret).secretString(PRIVACY_KEY));
      sm.createSecret(r -> r.name("cdp-it-audit-head-key").secretString(AUDIT_KEY));
    }
    config = Fixtures.config();
    List<Call> calls =
        List.of(
            new Call(
                "a1",
                "identify",
                null,
                "alice",
                "dev-a",
                "{\"email\":\"alice@example.com\"}",
                null,
                100),
            new Call("a2", "track", "Order Completed", null, "dev-a", null, null, 101),
            new Call(
                "b1",
                "identify",
                null,
                "bob",
                "dev-b",
                "{\"email\":\"bob@example.com\"}",
                null,
                102));
    CleanFixtures.writeClean(lake, work, "acme", "2026-11-01", "web-h00-b0", calls);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
      for (Call c : calls) {
        gz.write(
            (EnvelopeCodec.encode(
                        new Envelope(
                            "acme",
                            "web",
                            c.id(),
                            c.type(),
                            Instant.parse("2026-11-01T00:00:00Z"),
                            "r",
                            null,
                            "{}"))
                    + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    lake.put(RAW_KEY, raw.toByteArray());
    TenantConfig acme = config.tenant("acme").orElseThrow();
    CuratedStore curated = new CuratedStore(lake, work);
    new ResolveIdentities(curated).run("acme", acme.identityRules(), acme.defaultPhoneRegion());
    new BuildProfiles(curated).run("acme", acme.identityRules());
  }

  private EraseHandler handler() {
    return handler(Clock.systemUTC(), Duration.ZERO);
  }

  private EraseHandler handler(Clock clock, Duration settle) {
    return new EraseHandler(
        lake,
        () -> config,
        new SecretsManagerSecretStore(MOTO.secretsManager()),
        "cdp-it-tenant/",
        "cdp-it-audit-head-key",
        work.resolve("work"),
        clock,
        Duration.ofMinutes(5),
        settle);
  }

  private AuditLog auditLog(String key) {
    return new AuditLog(
        lake,
        AuditLog.DEFAULT_PREFIX,
        Clock.systemUTC(),
        () -> () -> {},
        AuditLog.hmac(
            ref -> key,
            new io.meridian.cdp.secret.SecretRef("secretsmanager", "cdp-it-audit-head-key")));
  }

  private PrivacyKeys keys() {
    return new PrivacyKeys(
        new SecretsManagerSecretStore(MOTO.secretsManager()),
        t -> PrivacyKeys.awsRef("cdp-it-tenant/", t));
  }

  @Test
  void theRequestEventErasesThePersonFromCleanCuratedAndRawOnS3AndTheReportVerifies()
      throws Exception {
    Map<String, Object> event = Fixtures.json("stepfunctions/erase-request.json");

    Map<String, Object> out = handler().handleRequest(event, null);

    assertThat(out).containsEntry("tenant", "acme").containsEntry("status", "erased");
    String reportKey = (String) out.get("reportKey");
    assertThat(reportKey).startsWith("_privacy/reports/tenant=acme/");
    var verification = ErasureReport.verify(keys(), lake.get(reportKey).orElseThrow());
    assertThat(verification.valid()).isTrue();

    // clean: alice's two events are gone, bob's stays
    CuratedStore curated = new CuratedStore(lake, work);
    var ids = CleanTables.EVENTS.project("message_id");
    List<String> messageIds = new ArrayList<>();
    for (String key : lake.list("clean/events/")) {
      for (Object[] row : curated.read(ids, key)) {
        messageIds.add(String.valueOf(row[0]));
      }
    }
    assertThat(messageIds).containsExactly("b1");
    // curated: no profile holds her identifiers any more; bob is still found
    assertThat(new CuratedErasure(curated).find("acme", "email", "alice@example.com")).isEmpty();
    assertThat(new CuratedErasure(curated).find("acme", "user_id", "alice")).isEmpty();
    assertThat(new CuratedErasure(curated).find("acme", "email", "bob@example.com")).isPresent();
    // raw: rewritten without her lines, and the version that held them destroyed
    String left =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(lake.get(RAW_KEY).orElseThrow()))
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(left).contains("\"b1\"").doesNotContain("\"a1\"").doesNotContain("\"a2\"");
    assertThat(s3.listObjectVersions(b -> b.bucket(bucket).prefix(RAW_KEY)).versions()).hasSize(1);
    // audited, with a hash of the identifier only
    // the head is signed with the audit key from Secrets Manager: only that key verifies it
    AuditLog audit = auditLog(AUDIT_KEY);
    assertThat(audit.verify().intact()).isTrue();
    assertThat(auditLog("some-other-key-0123456789").verify().problem().orElseThrow().reason())
        .startsWith("head signature mismatch");
    var entries = audit.read(Instant.EPOCH);
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).event().action()).isEqualTo("privacy.erase");
    assertThat(entries.get(0).event().actor()).isEqualTo("eventbridge:dpo@acme.example");
    assertThat(entries.get(0).event().details()).containsEntry("result", "erased");
    for (String key : lake.list("_audit/")) {
      assertThat(new String(lake.get(key).orElseThrow(), StandardCharsets.UTF_8))
          .doesNotContainIgnoringCase("alice@example.com");
    }

    // the same event again (a redelivered event, a retried task) does nothing new
    Map<String, Object> again = handler().handleRequest(event, null);
    assertThat(again)
        .containsEntry("status", "already_erased")
        .containsEntry("requestId", out.get("requestId"));
  }

  @Test
  void withTooLittleTimeLeftTheJobPausesAndTheNextInvocationResumesIt() throws Exception {
    Map<String, Object> event = Fixtures.json("stepfunctions/erase-request.json");
    // 4 steps' worth of time, then less than the reserve: as a Lambda close to its limit
    int[] checks = {0};
    Context nearlyOut = new RemainingTime(() -> checks[0]++ < 4 ? 600_000 : 60_000);

    Map<String, Object> first = handler().handleRequest(event, nearlyOut);
    assertThat(first).containsEntry("status", "in_progress").containsKey("nextStep");
    assertThat(lake.list("_privacy/reports/")).isEmpty();

    Map<String, Object> second = handler().handleRequest(event, new RemainingTime(() -> 600_000));
    assertThat(second).containsEntry("status", "erased");
    assertThat(second.get("requestId")).isEqualTo(first.get("requestId"));
    assertThat(
            ErasureReport.verify(keys(), lake.get((String) second.get("reportKey")).orElseThrow())
                .valid())
        .isTrue();
    var results =
        auditLog(AUDIT_KEY).read(Instant.EPOCH).stream()
            .map(e -> e.event().details().get("result"))
            .toList();
    assertThat(results)
        .containsExactly(
            "in progress; continues at step " + first.get("nextStep"), "erased (resumed)");
  }

  @Test
  void aCallAcceptedJustBeforeTheSuppressionIsWaitedForAndThenErasedToo() throws Exception {
    Map<String, Object> event = Fixtures.json("stepfunctions/erase-request.json");
    Instant requested = Instant.parse("2026-12-07T10:30:00Z");
    MovingClock clock = new MovingClock(requested);
    EraseHandler handler = handler(clock, Duration.ofMinutes(10));

    // suppressed at once, but the stream may still hold her calls for 10 minutes
    Map<String, Object> first = handler.handleRequest(event, null);
    assertThat(first)
        .containsEntry("status", "waiting_for_pipeline")
        .containsEntry("waitSeconds", 601);
    assertThat((String) first.get("waiting")).contains("stream until 2026-12-07T10:40:00Z");

    // one was: the stream's consumer wrote it to a raw object that is not converted yet
    String late = LakeLayout.rawKey("acme", "web", requested.minusSeconds(60), "late-batch");
    lake.put(
        late,
        gzip(
            EnvelopeCodec.encode(
                new Envelope(
                    "acme",
                    "web",
                    "a3",
                    "track",
                    requested.minusSeconds(60),
                    "r-late",
                    null,
                    "{\"type\":\"track\",\"event\":\"Viewed\",\"userId\":\"alice\","
                        + "\"messageId\":\"a3\"}"))));
    clock.advance(Duration.ofMinutes(11));
    Map<String, Object> second = handler.handleRequest(event, null);
    assertThat(second)
        .containsEntry("status", "waiting_for_pipeline")
        .containsEntry("waitSeconds", 301);
    assertThat((String) second.get("waiting")).startsWith("1 raw objects");
    assertThat(lake.list("_privacy/reports/")).isEmpty();

    // raw-to-clean converts it (the real stage, on the S3 lake)
    new RawToClean(
            lake,
            new ObjectStoreDedupIndex(lake),
            t -> "US",
            new SegmentCallValidator(),
            work.resolve("convert"),
            clock)
        .convert(late);
    assertThat(cleanMessageIds()).contains("a3");

    Map<String, Object> third = handler.handleRequest(event, null);
    assertThat(third).containsEntry("status", "erased");
    assertThat(cleanMessageIds()).containsExactly("b1");
    assertThat(
            new String(
                new GZIPInputStream(new ByteArrayInputStream(lake.get(late).orElseThrow()))
                    .readAllBytes(),
                StandardCharsets.UTF_8))
        .isEmpty();
    assertThat(
            auditLog(AUDIT_KEY).read(Instant.EPOCH).stream()
                .map(e -> e.event().details().get("result"))
                .toList())
        .hasSize(3)
        .last()
        .isEqualTo("erased (resumed)");
  }

  private List<String> cleanMessageIds() throws Exception {
    CuratedStore curated = new CuratedStore(lake, work);
    List<String> ids = new ArrayList<>();
    for (String key : lake.list("clean/events/")) {
      for (Object[] row : curated.read(CleanTables.EVENTS.project("message_id"), key)) {
        ids.add(String.valueOf(row[0]));
      }
    }
    ids.sort(null);
    return ids;
  }

  private static byte[] gzip(String line) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void anEventThatIsNoErasureRequestOrNamesAnUnknownTenantFailsTheTaskAndChangesNothing()
      throws Exception {
    Map<String, Object> event = Fixtures.json("stepfunctions/erase-request.json");
    Map<String, Object> wrongType = new HashMap<>(event);
    wrongType.put("detail-type", "Segment Membership Changed");
    assertThrows(IllegalArgumentException.class, () -> handler().handleRequest(wrongType, null));
    Map<String, Object> otherTenant = new HashMap<>(event);
    @SuppressWarnings("unchecked")
    Map<String, Object> detail = new HashMap<>((Map<String, Object>) event.get("detail"));
    detail.put("tenant", "globex");
    otherTenant.put("detail", detail);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> handler().handleRequest(otherTenant, null));
    assertThat(e.getMessage()).isEqualTo("unknown tenant 'globex'");
    assertThat(lake.list("_state/privacy/")).isEmpty();
    assertThat(lake.list("_privacy/")).isEmpty();
  }

  /** Lambda's context, reduced to the time left (the only part the handler reads). */
  private record RemainingTime(java.util.function.IntSupplier millis) implements Context {
    @Override
    public int getRemainingTimeInMillis() {
      return millis.getAsInt();
    }

    @Override
    public String getAwsRequestId() {
      return "test";
    }

    @Override
    public String getLogGroupName() {
      return null;
    }

    @Override
    public String getLogStreamName() {
      return null;
    }

    @Override
    public String getFunctionName() {
      return "cdp-it-erase";
    }

    @Override
    public String getFunctionVersion() {
      return "1";
    }

    @Override
    public String getInvokedFunctionArn() {
      return null;
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getMemoryLimitInMB() {
      return 3008;
    }

    @Override
    public LambdaLogger getLogger() {
      return null;
    }
  }
}
