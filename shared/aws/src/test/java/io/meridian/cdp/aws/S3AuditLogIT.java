package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.privacy.AuditLogContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The audit log contract on {@link S3ObjectStore} against moto server, on a versioned bucket as the
 * lake is: appends are S3 conditional writes ({@code If-Match} on the ETag, {@code If-None-Match:
 * *} for new objects, both supported by moto 5.2.5 and SDK 2.57.8), with no lock in common.
 */
class S3AuditLogIT extends AuditLogContract {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private S3Client s3;

  @Override
  protected ObjectStore newStore() {
    s3 = MOTO.s3();
    String bucket = "audit-" + BUCKETS.incrementAndGet();
    s3.createBucket(b -> b.bucket(bucket));
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    return new S3ObjectStore(s3, bucket);
  }

  @Override
  protected int concurrentAppends() {
    return 40;
  }

  @Test
  void aConditionalPutFailsOnAStaleTagAndOnAnObjectThatAppearedAndSucceedsOtherwise()
      throws Exception {
    S3ObjectStore store = (S3ObjectStore) newStore();
    assertThat(store.putIf("_audit/x", new byte[] {1}, null)).isPresent();
    assertThat(store.putIf("_audit/x", new byte[] {2}, null)).isEmpty();
    String tag = store.getTagged("_audit/x").orElseThrow().tag();
    assertThat(store.putIf("_audit/x", new byte[] {3}, tag)).isPresent();
    assertThat(store.putIf("_audit/x", new byte[] {4}, tag)).isEmpty();
    assertThat(store.get("_audit/x").orElseThrow()).containsExactly(3);
    assertThat(store.putIf("_audit/gone", new byte[] {5}, tag)).isEmpty();
  }
}
