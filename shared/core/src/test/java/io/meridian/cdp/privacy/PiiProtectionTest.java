package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.clean.CleanTables;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.secret.KeyService;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class PiiProtectionTest {
  private static final int USER_ID = index("user_id");
  private static final int ANONYMOUS_ID = index("anonymous_id");
  private static final int TRAITS = index("traits");
  private static final int PROPERTIES = index("properties");

  private static int index(String column) {
    for (int i = 0; i < CleanTables.EVENTS.columns().size(); i++) {
      if (CleanTables.EVENTS.columns().get(i).name().equals(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException(column);
  }

  /** An in-memory object store (only get and put are used). */
  private static final class MemoryStore implements ObjectStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    @Override
    public void put(String key, byte[] content) {
      objects.put(key, content.clone());
    }

    @Override
    public void putFile(String key, Path file) throws IOException {
      put(key, java.nio.file.Files.readAllBytes(file));
    }

    @Override
    public Optional<byte[]> get(String key) {
      return Optional.ofNullable(objects.get(key));
    }

    @Override
    public List<String> list(String prefix) {
      return objects.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    @Override
    public boolean exists(String key) {
      return objects.containsKey(key);
    }

    @Override
    public void delete(String key) {
      objects.remove(key);
    }
  }

  /** A key service that wraps by XOR with a fixed pad (tests only). */
  private static final class XorKeys implements KeyService {
    @Override
    public DataKey generateDataKey(String tenant) {
      byte[] k = new byte[32];
      Arrays.fill(k, (byte) 3);
      return new DataKey(k, xor(k));
    }

    @Override
    public byte[] decrypt(byte[] wrapped, String tenant) {
      return xor(wrapped);
    }

    private static byte[] xor(byte[] b) {
      byte[] out = b.clone();
      for (int i = 0; i < out.length; i++) {
        out[i] ^= 0x5a;
      }
      return out;
    }
  }

  private static Object[] row(String userId, String anonymousId, String traits, String props) {
    Object[] row = new Object[CleanTables.EVENTS.columns().size()];
    row[USER_ID] = userId;
    row[ANONYMOUS_ID] = anonymousId == null ? null : anonymousId.getBytes(StandardCharsets.UTF_8);
    row[TRAITS] = traits;
    row[PROPERTIES] = props;
    return row;
  }

  private static PiiProtection protection(PiiPolicy policy) {
    TenantConfig t = TenantConfig.named("acme", "Acme").withPrivacy(policy);
    return new PiiProtection(
        id -> Optional.of(t), new PiiKeys(new MemoryStore(), new XorKeys(), ref -> "the-secret"));
  }

  @Test
  void aKeepAllPolicyLeavesRowsAsTheyAreAndCountsNothing() {
    PiiProtection.Step step = protection(PiiPolicy.keepAll()).forTenant("acme");
    assertThat(step.isNoop()).isTrue();
    Object[] row = row("u-1", "a-1", "{\"email\":\"a@b.com\"}", "{\"card\":\"4111111111111111\"}");
    Object[] before = row.clone();
    assertThat(step.apply(row)).isSameAs(row).containsExactly(before);
    assertThat(step.counts()).isEmpty();
    assertThat(PiiProtection.none().forTenant("acme").isNoop()).isTrue();
  }

  @Test
  void theDefaultPolicyMasksCardsInFreeTextAndLeavesDeclaredIdentifiers() {
    PiiProtection.Step step = protection(PiiPolicy.DEFAULT).forTenant("acme");
    Object[] row =
        row(
            "u-1",
            "a-1",
            "{\"email\":\"a@b.com\",\"memo\":\"IBAN GB82 WEST 1234 5698 7654 32\"}",
            "{\"card\":\"4111 1111 1111 1111\",\"sku\":\"SKU-1234\"}");
    step.apply(row);
    assertThat(row[USER_ID]).isEqualTo("u-1");
    assertThat(row[TRAITS]).isEqualTo("{\"email\":\"a@b.com\",\"memo\":\"IBAN G***2\"}");
    assertThat(row[PROPERTIES]).isEqualTo("{\"card\":\"4***1\",\"sku\":\"SKU-1234\"}");
    assertThat(step.counts())
        .containsEntry("detected.payment_card.mask", 1L)
        .containsEntry("detected.iban.mask", 1L)
        .containsEntry("declared.email.keep", 1L);
  }

  @Test
  void aValueIdentityWouldRefuseIsDroppedRatherThanHashed() {
    PiiPolicy hashAll =
        new PiiPolicy(
            Map.of(PiiType.EMAIL, PiiAction.HASH, PiiType.USER_ID, PiiAction.HASH),
            Map.of(),
            "env:ACME_PII");
    PiiProtection.Step step = protection(hashAll).forTenant("acme");
    Object[] row = row("0", null, "{\"email\":\"test@test.com\",\"plan\":\"pro\"}", null);
    step.apply(row);
    assertThat(row[USER_ID]).isNull();
    assertThat(row[TRAITS]).isEqualTo("{\"plan\":\"pro\"}");
    assertThat(step.counts())
        .containsEntry("declared.email.drop", 1L)
        .containsEntry("declared.user_id.drop", 1L);
  }

  @Test
  void hashedAndTokenizedIdentifiersLinkButMaskedOnesDoNot() {
    PiiCodec codec = new PiiCodec("k".getBytes(StandardCharsets.UTF_8), new byte[32]);
    IdentifierExtractor ids = new IdentifierExtractor(IdentityRules.defaults(), "US");
    String hash = codec.hash("a@b.com");
    assertThat(ids.normalize(IdentityRules.EMAIL, hash)).contains(hash);
    String token = codec.tokenize("+16502530000");
    assertThat(ids.normalize(IdentityRules.PHONE, token)).contains(token);
    assertThat(ids.normalize(IdentityRules.EMAIL, "a***@b***.com")).isEmpty();
    assertThat(ids.refused()).containsEntry("email/masked", 1L);
  }

  @Test
  void lookupsUseTheStoredFormOfTheKind() {
    PiiPolicy policy =
        new PiiPolicy(
            Map.of(PiiType.EMAIL, PiiAction.HASH, PiiType.PHONE, PiiAction.DROP),
            Map.of(),
            "env:ACME_PII");
    PiiProtection p = protection(policy);
    TenantConfig t = TenantConfig.named("acme", "Acme").withPrivacy(policy);
    PiiCodec codec = new PiiCodec("the-secret".getBytes(StandardCharsets.UTF_8), null);
    assertThat(p.storedForm(t, "email", "a@b.com")).contains(codec.hash("a@b.com"));
    assertThat(p.storedForm(t, "phone", "+16502530000")).isEmpty();
    assertThat(p.storedForm(t, "user_id", "u-1")).contains("u-1");
    assertThat(p.storedForm(t, "crm_id", "C-1")).contains("C-1");
  }

  @Test
  void aPolicyThatHashesWithoutKeyMaterialWiredFailsClearly() {
    PiiPolicy policy = new PiiPolicy(Map.of(PiiType.EMAIL, PiiAction.HASH), Map.of(), "env:X");
    TenantConfig t = TenantConfig.named("acme", "Acme").withPrivacy(policy);
    PiiProtection p = new PiiProtection(id -> Optional.of(t), null);
    assertThatThrownBy(() -> p.forTenant("acme"))
        .hasMessageContaining("tenant 'acme' hashes or tokenizes personal data")
        .hasMessageContaining("no key service is wired");
  }

  @Test
  void tokensOfATenantDecryptWithTheDataKeyStoredWrapped() {
    MemoryStore store = new MemoryStore();
    PiiKeys keys = new PiiKeys(store, new XorKeys(), ref -> "s");
    PiiPolicy policy = new PiiPolicy(Map.of(PiiType.PHONE, PiiAction.TOKENIZE), Map.of(), null);
    String token = keys.codec("acme", policy).tokenize("+16502530000");
    assertThat(store.objects).containsKey(PiiKeys.dataKeyKey("acme"));
    assertThat(new String(store.objects.get(PiiKeys.dataKeyKey("acme")), StandardCharsets.UTF_8))
        .contains("wrapped");
    assertThat(new PiiKeys(store, new XorKeys(), ref -> "s").detokenizer("acme").detokenize(token))
        .isEqualTo("+16502530000");
    assertThatThrownBy(() -> keys.detokenizer("globex"))
        .hasMessageContaining("tenant 'globex' has no data key");
  }
}
