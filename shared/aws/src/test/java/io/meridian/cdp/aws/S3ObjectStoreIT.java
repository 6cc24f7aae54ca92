package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.lake.ObjectStoreContractTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** {@link S3ObjectStore} against moto server: the port's contract, plus what is S3-specific. */
class S3ObjectStoreIT extends ObjectStoreContractTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private S3Client s3;
  private String bucket;

  @Override
  protected ObjectStore createStore() {
    s3 = MOTO.s3();
    bucket = "cdp-test-" + BUCKETS.incrementAndGet();
    s3.createBucket(b -> b.bucket(bucket));
    return new S3ObjectStore(s3, bucket);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encryptsWithSseS3WhenNoKmsKeyIsConfigured() throws Exception {
    store.put("raw/a.gz", utf8("a"));
    HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("raw/a.gz"));
    assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
  }

  @Test
  void encryptsWithSseKmsUnderTheConfiguredKey() throws Exception {
    String keyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    S3ObjectStore kms = new S3ObjectStore(s3, bucket).withKmsKey(keyId);
    kms.put("clean/a.parquet", utf8("a"));
    Path file = temp.resolve("b.parquet");
    Files.write(file, utf8("b"));
    kms.putFile("clean/b.parquet", file);
    for (String key : new String[] {"clean/a.parquet", "clean/b.parquet"}) {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
      assertThat(head.serverSideEncryption()).as(key).isEqualTo(ServerSideEncryption.AWS_KMS);
      assertThat(head.ssekmsKeyId()).as(key).isEqualTo(keyId);
    }
  }

  @Test
  void keepsItsObjectsBelowTheKeyPrefixAndListsThemWithoutIt() throws Exception {
    S3ObjectStore prefixed = new S3ObjectStore(s3, bucket).withKeyPrefix("lake/");
    prefixed.put("raw/x.gz", utf8("x"));
    store.put("raw/outside.gz", utf8("o"));
    assertThat(store.list("")).containsExactly("lake/raw/x.gz", "raw/outside.gz");
    assertThat(prefixed.list("raw/")).containsExactly("raw/x.gz");
    assertThat(prefixed.get("raw/x.gz")).hasValue(utf8("x"));
    assertThat(prefixed.exists("raw/outside.gz")).isFalse();
  }

  @Test
  void refusesAKeyPrefixThatIsNotADirectory() {
    S3ObjectStore s = new S3ObjectStore(s3, bucket);
    assertThatThrownBy(() -> s.withKeyPrefix("lake"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be empty or end with '/'");
    assertThatThrownBy(() -> s.withKeyPrefix("a//"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid object key");
  }

  @Test
  void listFollowsContinuationTokensAcrossPages() throws Exception {
    S3ObjectStore smallPages = new S3ObjectStore(s3, bucket).withPageSize(2);
    for (int i = 0; i < 7; i++) {
      smallPages.put("raw/" + i + ".gz", utf8(Integer.toString(i)));
    }
    assertThat(smallPages.list("raw/"))
        .containsExactly(
            "raw/0.gz", "raw/1.gz", "raw/2.gz", "raw/3.gz", "raw/4.gz", "raw/5.gz", "raw/6.gz");
  }

  @Test
  void reportsAMissingBucketAsAnIoExceptionNamingIt() {
    S3ObjectStore missing = new S3ObjectStore(s3, "no-such-bucket-here");
    assertThatThrownBy(() -> missing.put("a/b", utf8("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3://no-such-bucket-here/a/b");
  }

  @Test
  void deletesThePreviousVersionsOfARewrittenObjectOnly() throws Exception {
    S3ObjectStore store = (S3ObjectStore) createStore();
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    store.put("raw/a.jsonl.gz", utf8("with the person"));
    store.put("raw/a.jsonl.gz", utf8("also with the person"));
    store.put("raw/a.jsonl.gz", utf8("without"));
    store.put("raw/a.jsonl.gz.other", utf8("x1"));
    store.put("raw/a.jsonl.gz.other", utf8("x2"));

    assertThat(store.deletePreviousVersions("raw/a.jsonl.gz")).isEqualTo(2);

    var versions = s3.listObjectVersions(b -> b.bucket(bucket).prefix("raw/a.jsonl.gz")).versions();
    assertThat(versions.stream().filter(v -> v.key().equals("raw/a.jsonl.gz"))).hasSize(1);
    assertThat(versions.stream().filter(v -> v.key().equals("raw/a.jsonl.gz.other"))).hasSize(2);
    assertThat(new String(store.get("raw/a.jsonl.gz").orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("without");
    assertThat(store.deletePreviousVersions("raw/a.jsonl.gz")).isZero();
  }

  @Test
  void deletesTheNoncurrentVersionsUnderAFolderAndKeepsTheCurrentOnes() throws Exception {
    S3ObjectStore store = (S3ObjectStore) createStore();
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    store.put("curated/t/snapshot=1/a", new byte[] {1});
    store.put("curated/t/snapshot=1/a", new byte[] {2});
    store.put("curated/t/snapshot=0/b", new byte[] {3});
    store.delete("curated/t/snapshot=0/b");
    store.put("curated/u/c", new byte[] {4});
    store.put("curated/u/c", new byte[] {5});

    assertThat(store.deleteNoncurrentVersions("curated/t/")).isEqualTo(2);

    assertThat(store.get("curated/t/snapshot=1/a").orElseThrow()).containsExactly(2);
    assertThat(s3.listObjectVersions(b -> b.bucket(bucket).prefix("curated/t/")).versions())
        .hasSize(1);
    // outside the folder nothing changed
    assertThat(s3.listObjectVersions(b -> b.bucket(bucket).prefix("curated/u/")).versions())
        .hasSize(2);
    assertThat(store.deleteNoncurrentVersions("curated/t/")).isZero();
    assertThatThrownBy(() -> store.deleteNoncurrentVersions(""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
