package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import io.meridian.cdp.secret.SecretStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The Secrets Manager adapter against moto server, held to the same contract as its local twin. */
class SecretsManagerSecretStoreIT extends SecretStoreContract {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  // Secret names are unique per test: moto keeps its state for the whole run.
  private final String prefix = "cdp/" + UUID.randomUUID() + "/";
  private SecretsManagerClient client;

  private SecretsManagerClient client() {
    if (client == null) {
      client = MOTO.secretsManager();
    }
    return client;
  }

  @Override
  protected SecretStore store() {
    return new SecretsManagerSecretStore(client());
  }

  @Override
  protected SecretRef keep(String name, String value) {
    client().createSecret(b -> b.name(prefix + name).secretString(value));
    return new SecretRef("secretsmanager", prefix + name);
  }

  @Override
  protected SecretRef absent(String name) {
    return new SecretRef("secretsmanager", prefix + name);
  }

  @Test
  void refusesLocalReferencesOnAws() {
    assertThatThrownBy(() -> store().secret(SecretRef.parse("env:HOOK_SECRET")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "secret env:HOOK_SECRET: env secrets exist in local mode only; on AWS use"
                + " secretsmanager:NAME");
  }

  @Test
  void readsARotatedSecretOnceTheCacheTimeHasPassed() {
    SecretRef ref = keep("rotating", "first");
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T10:00:00Z"));
    java.time.Clock clock =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    SecretsManagerSecretStore store =
        new SecretsManagerSecretStore(client(), Duration.ofMinutes(5), clock);
    assertThat(store.secret(ref)).isEqualTo("first");

    client().putSecretValue(b -> b.secretId(ref.name()).secretString("second"));
    now.set(now.get().plusSeconds(60));
    assertThat(store.secret(ref)).as("within the cache time").isEqualTo("first");
    now.set(now.get().plusSeconds(300));
    assertThat(store.secret(ref)).as("after the cache time").isEqualTo("second");
  }
}
