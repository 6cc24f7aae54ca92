package io.meridian.cdp.local.activation;

import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import io.meridian.cdp.secret.SecretStoreContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The local twin of the Secrets Manager adapter: {@code file:} secrets in the data directory. */
class LocalSecretStoreContractTest extends SecretStoreContract {
  @TempDir Path dir;

  private LocalSecretStore local() {
    return new LocalSecretStore(dir, Map.of());
  }

  @Override
  protected SecretStore store() {
    return local();
  }

  @Override
  protected SecretRef keep(String name, String value) throws Exception {
    local().put(name, value);
    return new SecretRef("file", name);
  }

  @Override
  protected SecretRef absent(String name) {
    return new SecretRef("file", name);
  }
}
