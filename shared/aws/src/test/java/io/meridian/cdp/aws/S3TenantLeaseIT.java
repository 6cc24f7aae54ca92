package io.meridian.cdp.aws;

import io.meridian.cdp.identity.TenantLeaseContract;
import io.meridian.cdp.lake.ObjectStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The tenant lease contract (ADR 0031) on {@link S3ObjectStore} against moto server, on a versioned
 * bucket as the lake is: the lease object is written with {@code If-None-Match: *} and {@code
 * If-Match}.
 */
class S3TenantLeaseIT extends TenantLeaseContract {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @Override
  protected ObjectStore newStore() {
    S3Client s3 = MOTO.s3();
    String bucket = "lease-" + BUCKETS.incrementAndGet();
    s3.createBucket(b -> b.bucket(bucket));
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    return new S3ObjectStore(s3, bucket);
  }
}
