package io.meridian.cdp.local.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.secret.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretStoreTest {
  @TempDir Path dir;

  @Test
  void readsASecretFileWrittenOwnerOnly() throws IOException {
    LocalSecretStore store = new LocalSecretStore(dir, Map.of());

    store.put("acme-crm", "whsec_abc\n");

    assertThat(store.secret(SecretRef.parse("file:acme-crm"))).isEqualTo("whsec_abc");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("acme-crm"))))
        .isEqualTo("rw-------");
  }

  @Test
  void refusesASecretFileOthersCanRead() throws IOException {
    Path file = dir.resolve("open");
    Files.writeString(file, "whsec_abc");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(
            () -> new LocalSecretStore(dir, Map.of()).secret(SecretRef.parse("file:open")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "secret file:open: "
                + file
                + " is accessible to group or others (rw-r--r--); chmod 600 it")
        .hasMessageNotContaining("whsec_abc");
  }

  @Test
  void readsEnvironmentVariablesAndNamesWhatIsMissing() {
    LocalSecretStore store = new LocalSecretStore(dir, Map.of("HOOK_SECRET", "s1"));

    assertThat(store.secret(SecretRef.parse("env:HOOK_SECRET"))).isEqualTo("s1");
    assertThatThrownBy(() -> store.secret(SecretRef.parse("env:OTHER")))
        .hasMessage("secret env:OTHER: environment variable OTHER is not set");
    assertThatThrownBy(() -> store.secret(SecretRef.parse("file:none")))
        .hasMessage(
            "secret file:none: no file " + dir.resolve("none") + " (create it with mode 0600)");
    assertThatThrownBy(() -> store.secret(SecretRef.parse("secretsmanager:acme/crm")))
        .hasMessage(
            "secret secretsmanager:acme/crm: secretsmanager secrets are available on AWS only; use"
                + " env: or file: in local mode");
  }
}
