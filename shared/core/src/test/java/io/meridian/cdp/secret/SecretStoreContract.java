package io.meridian.cdp.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * What every {@link SecretStore} adapter does, local or AWS: a test class per adapter extends this
 * one and says how to keep a secret where the adapter reads it.
 */
public abstract class SecretStoreContract {
  /** The adapter under test. */
  protected abstract SecretStore store();

  /** Keeps {@code value} under {@code name} where {@link #store()} reads it; its reference. */
  protected abstract SecretRef keep(String name, String value) throws Exception;

  /** A reference of the adapter's kind to a secret that does not exist. */
  protected abstract SecretRef absent(String name);

  @Test
  void readsTheSecretAReferencePointsTo() throws Exception {
    SecretRef ref = keep("acme-webhook", "whsec_3f9Kq2Lm8Pz");
    assertThat(store().secret(ref)).isEqualTo("whsec_3f9Kq2Lm8Pz");
  }

  @Test
  void dropsTrailingLineBreaksAsEditorsAndShellsAddThem() throws Exception {
    SecretRef ref = keep("acme-hmac-key", "k3y-with-newline\n");
    assertThat(store().secret(ref)).isEqualTo("k3y-with-newline");
  }

  @Test
  void aMissingSecretIsAnErrorThatNamesTheReference() {
    SecretRef ref = absent("no-such-secret");
    assertThatThrownBy(() -> store().secret(ref))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ref.toString());
  }

  @Test
  void anEmptySecretIsAnErrorThatNeverShowsAValue() throws Exception {
    SecretRef ref = keep("acme-empty", "\n");
    assertThatThrownBy(() -> store().secret(ref))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ref.toString())
        .hasMessageContaining("empty");
  }

  @Test
  void secretsAreKeptApartByName() throws Exception {
    SecretRef a = keep("tenant-a-key", "value-of-a");
    SecretRef b = keep("tenant-b-key", "value-of-b");
    assertThat(store().secret(a)).isEqualTo("value-of-a");
    assertThat(store().secret(b)).isEqualTo("value-of-b");
  }
}
