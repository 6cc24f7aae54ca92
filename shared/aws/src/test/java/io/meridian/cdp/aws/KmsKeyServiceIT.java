package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.privacy.PiiCodec;
import io.meridian.cdp.secret.KeyService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@link KmsKeyService} against moto server: data keys generated, unwrapped, bound to a tenant. */
class KmsKeyServiceIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private KmsKeyService keys;

  @BeforeEach
  void createKey() {
    KmsClient kms = MOTO.kms();
    String keyId = kms.createKey(b -> b.description("cdp pii data keys")).keyMetadata().keyId();
    keys = new KmsKeyService(kms, keyId);
  }

  @Test
  void generatesADataKeyThatUnwrapsForItsTenant() {
    KeyService.DataKey key = keys.generateDataKey("acme");
    assertThat(key.plaintext()).hasSize(32);
    assertThat(key.wrapped()).isNotEqualTo(key.plaintext());
    byte[] unwrapped = keys.decrypt(key.wrapped(), "acme");
    assertThat(unwrapped).isEqualTo(key.plaintext());
    // tokens made with the generated key decrypt with the unwrapped one
    String token = new PiiCodec(null, key.plaintext()).tokenize("+16502530000");
    assertThat(new PiiCodec(null, unwrapped).detokenize(token)).isEqualTo("+16502530000");
  }

  @Test
  void aDataKeyWrappedForOneTenantDoesNotUnwrapForAnother() {
    KeyService.DataKey key = keys.generateDataKey("acme");
    assertThatThrownBy(() -> keys.decrypt(key.wrapped(), "globex"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenant 'globex'");
  }
}
