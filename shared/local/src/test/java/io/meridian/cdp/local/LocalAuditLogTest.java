package io.meridian.cdp.local;

import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.privacy.AuditLog;
import io.meridian.cdp.privacy.AuditLogContract;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log contract over the local directory store, which has no conditional writes: its
 * writers share a lock instead (the CLI's runtime takes a file lock on {@code DIR/audit.lock}; a
 * lock shared by the test's writers stands for it here).
 */
class LocalAuditLogTest extends AuditLogContract {
  @TempDir Path dir;
  private final ReentrantLock lock = new ReentrantLock();

  @Override
  protected ObjectStore newStore() throws Exception {
    return new LocalFileObjectStore(dir.resolve("lake"));
  }

  @Override
  protected AuditLog.AppendGuard guard() {
    return () -> {
      lock.lock();
      return lock::unlock;
    };
  }
}
