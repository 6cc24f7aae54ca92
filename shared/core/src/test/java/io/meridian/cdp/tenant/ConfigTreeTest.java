package io.meridian.cdp.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meridian.cdp.activation.Backoff;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.identity.IdentityRules;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand binder of cdp.yaml (ADR 0037) against Jackson's databind: whatever it binds, databind
 * binds to equal records; whatever it is unsure of, it leaves to databind, so that {@link
 * ConfigFile#load} still coerces what databind coerces and reports errors with their line.
 */
class ConfigTreeTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Every field of every config record, with a webhook and a file destination. */
  private static final String EVERY_FIELD =
      """
      version: 1
      tenants:
      - id: acme
        name: Acme Corp
        rateLimit: 500
        defaultPhoneRegion: DE
        readKeyHashes:
        - sha256:2369b4333d2c784b2a5efefc0e223c6b961527544b1e006d7b0edd160b9d4cb4
        sources:
        - id: web
          writeKeyHashes:
          - sha256:e79de626d49ec7deaef133cbbba58415b038252930c18289bec75fdf537ff68b
          - sha256:0000000000000000000000000000000000000000000000000000000000000001
        - id: app
        identity:
          identifiers:
          - type: user_id
            limit: 1
          - type: email
            limit: 3
            normalize: [gmail, plus_tags]
          - type: crm_id
            limit: 1
            paths: [traits.crm_id, properties.crm_id]
          blocked: [guest@acme.example, '12345']
          maxLength: 200
          traits: {plan: first, name: latest}
        segments:
        - id: big-spenders
          name: Big spenders
          where:
            all:
            - {computed: lifetime_revenue, gte: 500}
            - {trait: plan, in: [pro, enterprise]}
          activation: {traits: [email], identifiers: [email, user_id]}
        destinations:
        - id: crm-vip
          type: webhook
          pattern:
            detail-type: [Segment Membership Changed]
            detail:
              segment: {id: [big-spenders]}
              change: [entered]
          consentPurpose: advertising
          payload:
            email: $.detail.traits.email
            list_id: 42
          url: https://hooks.example.com/cdp
          secret: file:acme-crm-vip
          timeoutMillis: 5000
          maxAttempts: 4
          backoff: {initialMillis: 100, maxMillis: 20000}
          concurrency: 3
        - id: audit
          type: file
          pattern: '{"source": ["meridian.cdp"]}'
        privacy:
          declared: {email: hash, phone: tokenize, name: drop}
          detected: {payment_card: drop, iban: mask}
          hashSecret: file:acme-pii
      - id: globex
        name: ~
        identity: ~
        privacy: {}
        sources: []
      """;

  @TempDir Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"every field", "test-events", "configuration guide", "first use"})
  void bindsEveryWellFormedConfigAsDatabindDoes(String which) throws IOException {
    Path file = fixture(which);

    Optional<CdpConfig> bound = ConfigTree.bind(YAML.readTree(file.toFile()));

    assertThat(bound).as("the fast path binds it").isPresent();
    CdpConfig databound = ConfigFile.databind(Files.readAllBytes(file));
    assertThat(bound.get()).isEqualTo(databound);
    assertThat(written(bound.get()))
        .as("what was given, not only what is in force (save writes the given policy)")
        .isEqualTo(written(databound));
    assertThat(ConfigFile.load(file)).isEqualTo(databound);
  }

  @Test
  void theEveryFieldFixtureReallySetsEveryField() throws IOException {
    TenantConfig acme = ConfigFile.load(fixture("every field")).tenant("acme").orElseThrow();

    assertThat(acme.rateLimit()).isEqualTo(500);
    assertThat(acme.defaultPhoneRegion()).isEqualTo("DE");
    assertThat(acme.sources()).hasSize(2);
    assertThat(acme.identityRules().maxLength()).isEqualTo(200);
    assertThat(acme.identityRules().traits()).containsEntry("plan", "first");
    assertThat(acme.segmentDefinitions().all()).hasSize(1);
    assertThat(acme.activationDestinations()).hasSize(2);
    assertThat(acme.activationDestinations().get(0).backoff().maxMillis()).isEqualTo(20_000);
    assertThat(acme.activationDestinations().get(0).concurrency()).isEqualTo(3);
    assertThat(acme.privacyPolicy().hashSecret()).isPresent();
  }

  @Test
  void theEveryFieldFixtureNamesEveryFieldOfEveryConfigRecord() throws IOException {
    Set<String> keys = new HashSet<>();
    collectKeys(YAML.readTree(EVERY_FIELD), keys);

    for (Class<?> record :
        List.of(
            CdpConfig.class,
            TenantConfig.class,
            SourceConfig.class,
            IdentityRules.class,
            IdentityRules.IdentifierRule.class,
            DestinationConfig.class,
            Backoff.class)) {
      for (RecordComponent field : record.getRecordComponents()) {
        assertThat(keys)
            .as("a field of %s that ConfigTree must bind and this test must set", record)
            .contains(field.getName());
      }
    }
    assertThat(keys).contains("declared", "detected", "hashSecret"); // PiiPolicy's creator
  }

  private static void collectKeys(JsonNode node, Set<String> keys) {
    node.properties().forEach(e -> keys.add(e.getKey()));
    node.forEach(child -> collectKeys(child, keys));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "version: 1\ntenants:\n- id: acme\n  colour: blue\n", // unknown field
        "version: 1\nowner: me\n", // unknown top-level field
        "tenants:\n- id: acme\n  sources:\n  - id: web\n    writeKeys: [x]\n", // unknown, nested
        "tenants:\n- id: acme\n  rateLimit: '500'\n", // a string where a number belongs
        "tenants:\n- id: acme\n  name: 5\n", // a number where a string belongs
        "tenants:\n- id: acme\n  rateLimit: 5000000000\n", // beyond an int
        "tenants:\n- id: acme\n  readKeyHashes: [~]\n", // a null item
        "tenants:\n- id: acme\n  segments: [~]\n", // a null segment
        "tenants:\n- acme\n", // a string where a tenant belongs
        "tenants:\n- id: acme\n  rateLimit: 0\n", // refused by the constructor
        "tenants:\n- id: acme\n  privacy: {declared: {email: ~}}\n", // a null action
        "tenants:\n- id: acme\n  privacy: {declared: {emial: hash}}\n", // refused by the parser
      })
  void leavesToDatabindWhatItIsUnsureOf(String yaml) throws IOException {
    Path file = temp.resolve("cdp.yaml");
    Files.writeString(file, yaml);

    assertThat(ConfigTree.bind(YAML.readTree(file.toFile()))).isEmpty();
  }

  @Test
  void whatDatabindCoercesStillLoads() throws IOException {
    Path file = temp.resolve("cdp.yaml");
    Files.writeString(file, "tenants:\n- id: acme\n  name: 5\n  rateLimit: '500'\n");

    TenantConfig acme = ConfigFile.load(file).tenant("acme").orElseThrow();

    assertThat(acme.name()).isEqualTo("5");
    assertThat(acme.rateLimit()).isEqualTo(500);
  }

  @Test
  void aRefusedValueIsStillReportedWithItsLine() throws IOException {
    Path file = temp.resolve("cdp.yaml");
    Files.writeString(file, "version: 1\ntenants:\n- id: acme\n  name: Acme\n  rateLimit: 0\n");

    assertThatThrownBy(() -> ConfigFile.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rateLimit must be a positive number")
        .hasMessageContaining("(line ");
    Files.writeString(file, "version: 1\ntenants:\n- id: acme\n  colour: blue\n");
    assertThatThrownBy(() -> ConfigFile.load(file))
        .hasMessageContaining("Unrecognized field \"colour\"")
        .hasMessageContaining("(line ");
  }

  @Test
  void aFileWithoutContentIsAnEmptyConfig() throws IOException {
    Path file = temp.resolve("cdp.yaml");
    Files.writeString(file, "# nothing yet\n");

    // databind alone refused it ("No content to map due to end-of-input")
    assertThat(ConfigFile.load(file)).isEqualTo(CdpConfig.empty());
  }

  private Path fixture(String which) throws IOException {
    Path file = temp.resolve(which.replace(' ', '-') + ".yaml");
    switch (which) {
      case "every field" -> Files.writeString(file, EVERY_FIELD);
      case "test-events" -> Files.copy(Path.of("../../test-events/cdp.yaml"), file);
      case "configuration guide" -> Files.writeString(file, firstYamlBlock("CONFIGURATION.md"));
      case "first use" -> ConfigFile.loadOrCreateDefault(file);
      default -> throw new IllegalArgumentException(which);
    }
    return file;
  }

  private static String firstYamlBlock(String doc) throws IOException {
    Matcher m =
        Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("../../docs/" + doc)));
    assertThat(m.find()).isTrue();
    // the guide shortens the hashes ("sha256:0b6b3f2a…"); complete them to 64 hex digits
    Matcher hash = Pattern.compile("(sha256:[0-9a-f]+)\\.\\.\\.").matcher(m.group(1));
    return hash.replaceAll(h -> h.group(1) + "0".repeat(71 - h.group(1).length()));
  }

  private String written(CdpConfig config) throws IOException {
    Path out = Files.createTempFile(temp, "saved", ".yaml");
    ConfigFile.save(config, out);
    JsonNode tree = YAML.readTree(out.toFile());
    return tree.toString();
  }
}
