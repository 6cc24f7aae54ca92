package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PiiCodecTest {
  private static final byte[] SECRET = "tenant-secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEY = new byte[32];
  private static final byte[] OTHER_KEY = new byte[32];

  static {
    Arrays.fill(KEY, (byte) 7);
    Arrays.fill(OTHER_KEY, (byte) 9);
  }

  private final PiiCodec codec = new PiiCodec(SECRET, KEY);

  @Test
  void hashIsTheHmacSha256OfTheValueWithTheTenantSecret() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    String expected =
        "hmac_" + HexFormat.of().formatHex(mac.doFinal("a@b.com".getBytes(StandardCharsets.UTF_8)));
    assertThat(codec.hash("a@b.com")).isEqualTo(expected);
    assertThat(PiiCodec.isProtected(expected)).isTrue();
    assertThat(new PiiCodec("other".getBytes(StandardCharsets.UTF_8), null).hash("a@b.com"))
        .isNotEqualTo(expected);
  }

  @Test
  void tokensAreDeterministicAndDecryptToTheValue() {
    String token = codec.tokenize("+14155550100");
    assertThat(token).startsWith("tok_").doesNotContain("4155550100");
    assertThat(codec.tokenize("+14155550100")).isEqualTo(token);
    assertThat(codec.tokenize("+14155550101")).isNotEqualTo(token);
    assertThat(PiiCodec.isProtected(token)).isTrue();
    assertThat(new PiiCodec(null, KEY).detokenize(token)).isEqualTo("+14155550100");
    assertThat(codec.detokenize(codec.tokenize("Zoë 🙂"))).isEqualTo("Zoë 🙂");
  }

  @Test
  void anAlteredTokenOrAnotherTenantsKeyDoesNotDecrypt() {
    String token = codec.tokenize("alice@example.com");
    char last = token.charAt(token.length() - 2);
    String altered =
        token.substring(0, token.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + token.charAt(token.length() - 1);
    assertThatThrownBy(() -> codec.detokenize(altered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not authenticate");
    assertThatThrownBy(() -> new PiiCodec(null, OTHER_KEY).detokenize(token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another tenant's key");
    assertThatThrownBy(() -> codec.detokenize("hmac_00"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a token");
  }

  @Test
  void aCodecWithoutKeyMaterialSaysWhichIsMissing() {
    PiiCodec none = new PiiCodec(null, null);
    assertThatThrownBy(() -> none.hash("x")).hasMessageContaining("hashSecret");
    assertThatThrownBy(() -> none.tokenize("x")).hasMessageContaining("no data key");
  }
}
