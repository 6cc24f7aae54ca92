package io.meridian.cdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationConfigTest {
  @TempDir Path dir;

  private static final String TENANT =
      """
      version: 1
      tenants:
      - id: acme
        sources: []
        destinations:
      """;

  private static final String WEBHOOK =
      """
        - id: crm
          type: webhook
          url: https://hooks.example.com/cdp
          secret: env:ACME_CRM_SECRET
          pattern:
            detail-type: [Segment Membership Changed]
            detail:
              segment:
                id: [vip]
      """;

  private CdpConfig load(String yaml) throws IOException {
    Path file = dir.resolve("cdp.yaml");
    Files.writeString(file, yaml);
    return ConfigFile.load(file);
  }

  @Test
  void loadsAWebhookAndAFileDestinationWithDefaults() throws IOException {
    CdpConfig config =
        load(
            TENANT
                + WEBHOOK
                + """
                  - id: audit
                    type: file
                    consentPurpose: analytics
                    pattern: '{"source": ["meridian.cdp"]}'
                    payload:
                      who: $.detail.profile_id
                """);

    List<DestinationConfig> destinations =
        config.tenant("acme").orElseThrow().activationDestinations();
    assertThat(destinations).extracting(DestinationConfig::id).containsExactly("crm", "audit");
    DestinationConfig crm = destinations.get(0);
    assertThat(crm.destinationType()).isEqualTo(DestinationType.WEBHOOK);
    assertThat(crm.timeoutMillisOrDefault()).isEqualTo(5_000);
    assertThat(crm.maxAttemptsOrDefault()).isEqualTo(5);
    assertThat(crm.backoffOrDefault()).isEqualTo(new Backoff(200, 10_000));
    assertThat(crm.secretRef().toString()).isEqualTo("env:ACME_CRM_SECRET");
    assertThat(crm.patternJson())
        .isEqualTo(
            "{\"detail-type\":[\"Segment Membership Changed\"],\"detail\":{\"segment\":{\"id\":[\"vip\"]}}}");
    assertThat(destinations.get(1).patternJson()).isEqualTo("{\"source\":[\"meridian.cdp\"]}");
  }

  @Test
  void aConfigWithDestinationsSurvivesSaveAndLoad() throws IOException {
    CdpConfig config = load(TENANT + WEBHOOK);
    Path copy = dir.resolve("copy.yaml");

    ConfigFile.save(config, copy);

    assertThat(ConfigFile.load(copy)).isEqualTo(config);
  }

  @Test
  void aTenantWithoutDestinationsIsSavedWithoutTheKey() throws IOException {
    CdpConfig config = load("version: 1\ntenants:\n- id: acme\n  sources: []\n");
    Path copy = dir.resolve("copy.yaml");

    ConfigFile.save(config, copy);

    assertThat(Files.readString(copy)).doesNotContain("destinations");
    assertThat(config.tenant("acme").orElseThrow().activationDestinations()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          type: sms                                   | destination 'x': unknown type 'sms'; supported types are webhook and file
          url: http://hooks.example.com/x             | destination 'x': url 'http://hooks.example.com/x' must use https (plain http is accepted only for localhost/loopback receivers in local testing)
          url: http://127.0.0.1:9/x                   | OK
          url: http://localhost:9/x                   | OK
          url: 'http://[::1]:9/x'                     | OK
          url: http://127.0.0.1.example.com/x         | must use https
          url: hooks.example.com/x                    | destination 'x': url 'hooks.example.com/x' must be absolute (scheme and host) and carry no user info
          secret: s3cr3t-value                        | destination 'x': secret: a secret must be given as a reference (env:NAME, file:NAME or secretsmanager:NAME), never in clear
          secret: file:../etc/passwd                  | destination 'x': secret: secret name after 'file:' is invalid: a file name of lower-case letters, digits, '.', '_' and '-' (no path)
          secret: vault:x                             | destination 'x': secret: secret scheme 'vault' is unknown; use env:, file: or secretsmanager:
          consentPurpose: Ads!                        | destination 'x': consentPurpose 'Ads!' is invalid: use lower-case letters, digits and '_', starting with a letter (e.g. advertising)
          maxAttempts: 0                              | destination 'x': maxAttempts must be between 1 and 100, not 0
          timeoutMillis: 0                            | destination 'x': timeoutMillis must be between 1 and 300000, not 0
          concurrency: 1000                           | destination 'x': concurrency must be between 1 and 256, not 1000
          'backoff: {initialMillis: 500, maxMillis: 100}' | backoff.maxMillis must be between initialMillis (500) and 3600000, not 100
          'payload: {email: $.detail..email}'         | destination 'x': payload.email: path '$.detail..email' is malformed at character 9; write $.field.field, $['odd-name'] or $.list[0] (a literal $ is written $$)
          'pattern: {detail: {change: entered}}'      | destination 'x': pattern is not a valid EventBridge event pattern: "change" must be an object or an array
          'pattern: {detail: {n: [{numeric: [">", "x"]}]}}' | destination 'x': pattern is not a valid EventBridge event pattern:
          'pattern: ''{"source": [''' | destination 'x': pattern is not valid JSON:
          'pattern: {detail: {tenant: [other]}}'      | destination 'x': pattern must not test detail.tenant: a destination receives only its own tenant's events
          'pattern: {}'                               | destination 'x': pattern must be a non-empty JSON object (an EventBridge event pattern)
          """)
  void rejectsABadWebhookSettingWithAPreciseMessage(String override, String expected)
      throws IOException {
    String key = override.substring(0, override.indexOf(':'));
    StringBuilder yaml = new StringBuilder(TENANT).append("  - id: x\n");
    String defaults =
        """
        type: webhook
        url: https://hooks.example.com/x
        secret: env:X_SECRET
        pattern: {source: [meridian.cdp]}
        """;
    for (String line : defaults.split("\n")) {
      if (!line.startsWith(key + ":")) {
        yaml.append("    ").append(line).append('\n');
      }
    }
    yaml.append("    ").append(override).append('\n');

    if (expected.equals("OK")) {
      assertThat(load(yaml.toString()).tenants()).hasSize(1);
    } else {
      assertThatThrownBy(() -> load(yaml.toString()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(expected);
    }
  }

  @Test
  void rejectsWebhookSettingsOnAFileDestination() {
    assertThatThrownBy(
            () ->
                load(
                    TENANT
                        + """
                          - id: audit
                            type: file
                            url: https://hooks.example.com/x
                            pattern: {source: [meridian.cdp]}
                        """))
        .hasMessageContaining("destination 'audit': 'url' applies to webhook destinations only");
  }

  @Test
  void rejectsAWebhookWithoutSecretOrPattern() {
    assertThatThrownBy(
            () ->
                load(
                    TENANT
                        + """
                          - id: crm
                            type: webhook
                            url: https://hooks.example.com/x
                            pattern: {source: [meridian.cdp]}
                        """))
        .hasMessageContaining("destination 'crm': a webhook needs 'secret'");
    assertThatThrownBy(
            () ->
                load(
                    TENANT
                        + """
                          - id: crm
                            type: file
                        """))
        .hasMessageContaining("destination 'crm': 'pattern' is required");
  }

  @Test
  void rejectsADestinationDeclaredTwice() {
    assertThatThrownBy(() -> load(TENANT + WEBHOOK + WEBHOOK))
        .hasMessageContaining("tenant 'acme' declares destination 'crm' twice");
  }

  @Test
  void rejectsAnUnknownSetting() {
    assertThatThrownBy(() -> load(TENANT + WEBHOOK + "    retries: 3\n"))
        .hasMessageContaining("retries");
  }
}
