package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.lake.InMemoryObjectStore;
import io.meridian.cdp.lake.ObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The audit log contract over {@link InMemoryObjectStore} (the test double of the object store
 * port, with conditional writes as S3 has them).
 */
class AuditLogTest extends AuditLogContract {
  @Override
  protected ObjectStore newStore() {
    return new InMemoryObjectStore();
  }

  @Test
  void writersWithoutACommonLockKeepOneChainOnAStoreWithConditionalWrites() throws Exception {
    InMemoryObjectStore shared = new InMemoryObjectStore();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<AuditEntry>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        // a log object per append: no lock in common, as Lambda instances have none
        AuditLog writer =
            new AuditLog(
                shared,
                AuditLog.DEFAULT_PREFIX,
                Clock.systemUTC(),
                () -> () -> {},
                signer(AUDIT_KEY));
        int n = i;
        futures.add(
            pool.submit(() -> writer.append(AuditEvent.success("t", "test.append", "n:" + n, ""))));
      }
      for (Future<AuditEntry> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    AuditLog log =
        new AuditLog(
            shared, AuditLog.DEFAULT_PREFIX, Clock.systemUTC(), () -> () -> {}, signer(AUDIT_KEY));
    AuditVerification v = log.verify();
    assertThat(v.intact()).as(v.toString()).isTrue();
    assertThat(v.entries()).isEqualTo(200);
    assertThat(log.read(Instant.EPOCH)).extracting(e -> e.event().target()).doesNotHaveDuplicates();
  }
}
