package io.meridian.cdp.aws;

import io.meridian.cdp.secret.KeyService;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * {@link KeyService} on AWS KMS: {@code GenerateDataKey} (AES-256) makes a tenant's data key and
 * {@code Decrypt} unwraps it, both with the encryption context {@code {"tenant": T}}, so a data key
 * wrapped for one tenant never unwraps as another's (and CloudTrail names the tenant on every use).
 */
public final class KmsKeyService implements KeyService {
  private final KmsClient kms;
  private final String keyId;

  /**
   * @param keyId the KMS key (id, ARN or alias) that wraps the data keys
   */
  public KmsKeyService(KmsClient kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  @Override
  public DataKey generateDataKey(String tenant) {
    try {
      GenerateDataKeyResponse r =
          kms.generateDataKey(
              b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(context(tenant)));
      return new DataKey(r.plaintext().asByteArray(), r.ciphertextBlob().asByteArray());
    } catch (KmsException e) {
      throw new IllegalStateException(
          "KMS could not generate a data key for tenant '" + tenant + "': " + code(e), e);
    }
  }

  @Override
  public byte[] decrypt(byte[] wrapped, String tenant) {
    try {
      DecryptResponse r =
          kms.decrypt(
              b ->
                  b.keyId(keyId)
                      .ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                      .encryptionContext(context(tenant)));
      return r.plaintext().asByteArray();
    } catch (KmsException e) {
      throw new IllegalStateException(
          "KMS could not unwrap the data key of tenant '" + tenant + "': " + code(e), e);
    }
  }

  private static Map<String, String> context(String tenant) {
    return Map.of("tenant", tenant);
  }

  private static String code(KmsException e) {
    return e.awsErrorDetails() == null
        ? e.getClass().getSimpleName()
        : e.awsErrorDetails().errorCode();
  }
}
