package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import io.meridian.cdp.tenant.TenantConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiPolicyTest {
  @TempDir Path temp;

  private CdpConfig load(String privacy) throws Exception {
    Path file = temp.resolve("cdp.yaml");
    Files.writeString(
        file,
        """
        version: 1
        tenants:
        - id: acme
          sources: []
        """
            + privacy.indent(2));
    return ConfigFile.load(file);
  }

  @Test
  void aTenantWithoutPolicyGetsTheDefaults() throws Exception {
    TenantConfig t = load("").tenant("acme").orElseThrow();
    PiiPolicy p = t.privacyPolicy();
    assertThat(p).isEqualTo(PiiPolicy.DEFAULT);
    assertThat(p.action(PiiType.EMAIL)).isEqualTo(PiiAction.KEEP);
    assertThat(p.action(PiiType.IP)).isEqualTo(PiiAction.MASK);
    assertThat(p.action(PiiKind.PAYMENT_CARD)).isEqualTo(PiiAction.MASK);
    assertThat(p.action(PiiKind.EMAIL)).isEqualTo(PiiAction.KEEP);
    assertThat(p.keepsAll()).isFalse();
    assertThat(PiiPolicy.keepAll().keepsAll()).isTrue();
  }

  @Test
  void readsAPolicyAndKeepsItWhenTheFileIsSavedAgain() throws Exception {
    CdpConfig c =
        load(
            """
            privacy:
              hashSecret: file:acme-pii
              declared: {email: hash, phone: tokenize, address: drop}
              detected: {iban: drop, email: mask}
            """);
    PiiPolicy p = c.tenant("acme").orElseThrow().privacyPolicy();
    assertThat(p.action(PiiType.EMAIL)).isEqualTo(PiiAction.HASH);
    assertThat(p.action(PiiType.PHONE)).isEqualTo(PiiAction.TOKENIZE);
    assertThat(p.action(PiiType.NAME)).isEqualTo(PiiAction.KEEP);
    assertThat(p.action(PiiKind.IBAN)).isEqualTo(PiiAction.DROP);
    assertThat(p.action(PiiKind.US_SSN)).isEqualTo(PiiAction.MASK);
    assertThat(p.hashSecret().orElseThrow().toString()).isEqualTo("file:acme-pii");
    Path again = temp.resolve("again.yaml");
    ConfigFile.save(c, again);
    assertThat(ConfigFile.load(again).tenant("acme").orElseThrow().privacyPolicy()).isEqualTo(p);
    assertThat(Files.readString(again)).contains("hashSecret: file:acme-pii");
  }

  @Test
  void rejectsAnUnknownKindWithTheLine() {
    assertThatThrownBy(() -> load("privacy:\n  declared:\n    emial: hash\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown kind 'emial' of declared personal data")
        .hasMessageContaining("known kinds: email, phone")
        .hasMessageContaining("(line 7)");
    assertThatThrownBy(() -> load("privacy:\n  detected:\n    credit_card: drop\n"))
        .hasMessageContaining("unknown kind 'credit_card' of detected personal data")
        .hasMessageContaining("payment_card");
  }

  @Test
  void rejectsAnUnknownActionWithTheLine() {
    assertThatThrownBy(() -> load("privacy:\n  declared:\n    email: encrypt\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "unknown action 'encrypt'; known actions: keep, hash, tokenize, mask, drop")
        .hasMessageContaining("(line 7)");
  }

  @Test
  void rejectsHashWithoutASecretReferenceAndASecretInClear() {
    assertThatThrownBy(() -> load("privacy:\n  declared: {email: hash}\n"))
        .hasMessageContaining("the action hash needs hashSecret");
    assertThatThrownBy(
            () -> load("privacy:\n  hashSecret: my-secret-value\n  declared: {email: hash}\n"))
        .hasMessageContaining("privacy.hashSecret: a secret must be given as a reference")
        .hasMessageNotContaining("my-secret-value");
  }

  @Test
  void rejectsMaskingAnOpaqueIdentifier() {
    assertThatThrownBy(() -> load("privacy:\n  declared: {device_id: mask}\n"))
        .hasMessageContaining("privacy.declared.device_id: mask is not allowed");
  }

  @Test
  void rejectsAnUnknownKeyInThePolicy() {
    assertThatThrownBy(() -> load("privacy:\n  undeclared: {email: hash}\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("undeclared");
  }
}
