package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.identity.BuildProfiles;
import io.meridian.cdp.identity.CleanFixtures;
import io.meridian.cdp.identity.CleanFixtures.Call;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.identity.ResolveIdentities;
import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.privacy.Erasure;
import io.meridian.cdp.privacy.ErasureReport;
import io.meridian.cdp.privacy.PrivacyKeys;
import io.meridian.cdp.privacy.Suppression;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The erasure engine over {@link S3ObjectStore} on a versioned bucket (moto): the AWS path's
 * storage, including the destruction of the raw object's earlier versions (ADR 0012).
 */
class ErasureOnS3IT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  @TempDir Path work;

  /** A raw object (gzip JSON Lines of envelopes) holding {@code calls}. */
  private static byte[] rawObject(List<Call> calls) throws java.io.IOException {
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
    return raw.toByteArray();
  }

  private static String text(byte[] gzip) throws java.io.IOException {
    return new String(
        new GZIPInputStream(new ByteArrayInputStream(gzip)).readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void erasesOnAVersionedBucketAndDestroysThePreviousRawVersions() throws Exception {
    S3Client s3 = MOTO.s3();
    s3.createBucket(b -> b.bucket("lake-erasure"));
    s3.putBucketVersioning(
        b -> b.bucket("lake-erasure").versioningConfiguration(v -> v.status("Enabled")));
    S3ObjectStore store = new S3ObjectStore(s3, "lake-erasure");
    List<Call> calls =
        List.of(
            new Call(
                "a1", "identify", null, "alice", "dev-a", "{\"email\":\"a@x.com\"}", null, 100),
            new Call("b1", "identify", null, "bob", "dev-b", "{\"email\":\"b@x.com\"}", null, 101));
    CleanFixtures.writeClean(store, work, "acme", "2026-11-01", "web-h00-b0", calls);
    String rawKey = "raw/tenant=acme/source=web/dt=2026-11-01/hour=00/b0.jsonl.gz";
    store.put(rawKey, rawObject(calls));
    var curated = new io.meridian.cdp.identity.CuratedStore(store, work);
    new ResolveIdentities(curated).run("acme", IdentityRules.defaults(), "US");
    new BuildProfiles(curated).run("acme", IdentityRules.defaults());

    Erasure.Done done = erase(store, "A@X.com");

    assertThat(done.report().path("removed").path("rawLines").asLong()).isEqualTo(1);
    assertThat(done.report().path("removed").path("rawPreviousVersionsDeleted").asLong())
        .isEqualTo(1);
    assertThat(s3.listObjectVersions(b -> b.bucket("lake-erasure").prefix(rawKey)).versions())
        .hasSize(1);
    String left =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(store.get(rawKey).orElseThrow()))
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(left).contains("\"b1\"").doesNotContain("\"a1\"");
    assertThat(done.report().path("signature").path("key").asText())
        .isEqualTo("secretsmanager:cdp-test-tenant/privacy-acme");
    assertThat(ErasureReport.verify(KEYS, store.get(done.reportKey()).orElseThrow()).valid())
        .isTrue();
  }

  @Test
  void waitsForArchivedRawObjectsToBeRestoredAndThenFinishes() throws Exception {
    S3Client s3 = MOTO.s3();
    s3.createBucket(b -> b.bucket("lake-archived"));
    s3.putBucketVersioning(
        b -> b.bucket("lake-archived").versioningConfiguration(v -> v.status("Enabled")));
    S3ObjectStore store = new S3ObjectStore(s3, "lake-archived");
    Call a1 =
        new Call("a1", "identify", null, "alice", "dev-a", "{\"email\":\"a@x.com\"}", null, 100);
    Call b1 =
        new Call("b1", "identify", null, "bob", "dev-b", "{\"email\":\"b@x.com\"}", null, 101);
    Call a2 = new Call("a2", "track", null, "alice", "dev-a", null, null, 102);
    CleanFixtures.writeClean(store, work, "acme", "2026-01-01", "web-h00-b0", List.of(a1, b1));
    CleanFixtures.writeClean(store, work, "acme", "2026-01-01", "web-h01-b0", List.of(a2));
    String recent = "raw/tenant=acme/source=web/dt=2026-01-01/hour=00/b0.jsonl.gz";
    String archived = "raw/tenant=acme/source=web/dt=2026-01-01/hour=01/b0.jsonl.gz";
    store.put(recent, rawObject(List.of(a1, b1)));
    // what the lifecycle rule does to old raw objects (cdp:rawDeepArchiveDays)
    s3.putObject(
        b -> b.bucket("lake-archived").key(archived).storageClass("DEEP_ARCHIVE"),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(rawObject(List.of(a2))));
    var curated = new io.meridian.cdp.identity.CuratedStore(store, work);
    new ResolveIdentities(curated).run("acme", IdentityRules.defaults(), "US");
    new BuildProfiles(curated).run("acme", IdentityRules.defaults());
    PrivacyKeys keys =
        new PrivacyKeys(
            ref -> "moto-test-privacy-key-0123", t -> PrivacyKeys.awsRef("cdp-test-tenant/", t));
    Clock clock = Clock.systemUTC();
    TenantConfig acme =
        new TenantConfig(
            "acme", null, null, null, List.of(new SourceConfig("web", List.of())), null);
    Erasure erasure =
        new Erasure(
            store,
            work,
            keys,
            new Suppression(store, keys, Duration.ZERO, clock),
            null,
            clock,
            null);

    Erasure.Outcome first = erasure.erase(acme, "email", "a@x.com", "test", "test");

    assertThat(first).isInstanceOf(Erasure.WaitingForRestore.class);
    assertThat(((Erasure.WaitingForRestore) first).archived()).isEqualTo(1);
    // waiting hours for S3 does not keep curate from the tenant (ADR 0031)
    assertThat(store.getTagged("_state/curated/tenant=acme/lease.json").orElseThrow().content())
        .asString(StandardCharsets.UTF_8)
        .contains("\"owner\":\"\"");
    assertThat(text(store.get(recent).orElseThrow())).contains("\"b1\"").doesNotContain("\"a1\"");
    // the restore was asked for (moto makes the copy readable at once; S3 takes hours)
    assertThat(s3.headObject(b -> b.bucket("lake-archived").key(archived)).restore())
        .contains("ongoing-request=\"false\"");

    Erasure.Outcome second = erasure.erase(acme, "email", "a@x.com", "test", "test");

    Erasure.Done done = (Erasure.Done) second;
    assertThat(done.resumed()).isTrue();
    assertThat(text(store.get(archived).orElseThrow())).doesNotContain("\"a2\"");
    assertThat(done.report().path("removed").path("rawLines").asLong()).isEqualTo(2);
    assertThat(done.report().path("removed").path("rawPreviousVersionsDeleted").asLong())
        .isEqualTo(2);
    assertThat(s3.listObjectVersions(b -> b.bucket("lake-archived").prefix("raw/")).versions())
        .hasSize(2);
  }

  @Test
  void destroysTheEarlierVersionsOfTheCleanAndCuratedObjectsItRewroteOrMadeObsolete()
      throws Exception {
    S3Client s3 = MOTO.s3();
    String bucket = "lake-erasure-versions";
    s3.createBucket(b -> b.bucket(bucket));
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    S3ObjectStore store = new S3ObjectStore(s3, bucket);
    var curated = new io.meridian.cdp.identity.CuratedStore(store, work);
    List<List<Call>> days =
        List.of(
            List.of(
                new Call(
                    "a1", "identify", null, "alice", "dev-a", "{\"email\":\"a@x.com\"}", null, 100),
                new Call(
                    "b1", "identify", null, "bob", "dev-b", "{\"email\":\"b@x.com\"}", null, 101)),
            List.of(new Call("b2", "page", null, "bob", "dev-b", null, null, 200)),
            List.of(new Call("c1", "identify", null, "carol", "dev-c", null, null, 300)));
    for (int d = 0; d < days.size(); d++) {
      CleanFixtures.writeClean(
          store, work, "acme", "2026-11-0" + (d + 1), "web-b" + d, days.get(d));
      new ResolveIdentities(curated).run("acme", IdentityRules.defaults(), "US");
      new BuildProfiles(curated).run("acme", IdentityRules.defaults());
    }
    // three runs: snapshot 3 in force, 2 kept for readers, 1 deleted but still a version
    assertThat(noncurrent(s3, bucket, "curated/")).isNotEmpty();
    assertThat(store.list("curated/identity_graph/tenant=acme/snapshot=000002/")).isNotEmpty();

    Erasure.Done done = erase(store, "a@x.com");

    var removed = done.report().path("removed");
    assertThat(removed.path("cleanPreviousVersionsDeleted").asLong()).isEqualTo(1);
    assertThat(removed.path("curatedPreviousVersionsDeleted").asLong()).isPositive();
    // no earlier version of any clean or curated table object is left, nor the snapshots that held
    // alice (3 was in force, 2 kept for readers): only the erased snapshot 4
    for (String prefix :
        List.of(
            "clean/events/tenant=acme/",
            "curated/",
            "_state/curated/profile_state/",
            "_state/curated/profile_index/")) {
      assertThat(noncurrent(s3, bucket, prefix)).as(prefix).isEmpty();
    }
    for (String table : List.of("identity_graph", "profiles")) {
      for (String key : store.list("curated/" + table + "/tenant=acme/")) {
        assertThat(key).contains("/snapshot=000004/");
      }
    }
    assertThat(curated.pointer("acme", "identity").orElseThrow().snapshot()).isEqualTo(4);
    assertThat(new io.meridian.cdp.identity.CuratedErasure(curated).find("acme", "user_id", "bob"))
        .isPresent();
  }

  private static final PrivacyKeys KEYS =
      new PrivacyKeys(
          ref -> "moto-test-privacy-key-0123", t -> PrivacyKeys.awsRef("cdp-test-tenant/", t));

  /** Erases the person with e-mail {@code email} from tenant acme. */
  private Erasure.Done erase(S3ObjectStore store, String email) throws Exception {
    Clock clock = Clock.systemUTC();
    TenantConfig acme =
        new TenantConfig(
            "acme", null, null, null, List.of(new SourceConfig("web", List.of())), null);
    return (Erasure.Done)
        new Erasure(
                store,
                work,
                KEYS,
                new Suppression(store, KEYS, Duration.ZERO, clock),
                null,
                clock,
                null)
            .erase(acme, "email", email, "test", "test");
  }

  /** Keys and version ids of the versions under {@code prefix} that are not current. */
  private static List<String> noncurrent(S3Client s3, String bucket, String prefix) {
    return s3.listObjectVersions(b -> b.bucket(bucket).prefix(prefix)).versions().stream()
        .filter(v -> !Boolean.TRUE.equals(v.isLatest()))
        .map(v -> v.key() + "@" + v.versionId())
        .toList();
  }
}
