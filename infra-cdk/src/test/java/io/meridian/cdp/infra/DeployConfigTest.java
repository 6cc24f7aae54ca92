package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployConfigTest {
  @Test
  void everyValueHasADefaultAndDataIsRetained() {
    DeployConfig c = DeployConfig.fromContext(key -> null);
    assertThat(c.env()).isEqualTo("dev");
    assertThat(c.tenants()).isEmpty();
    assertThat(c.alarmEmail()).isEmpty();
    assertThat(c.retention()).isEqualTo(new DeployConfig.Retention(30, 180, 90, 30, 90));
    assertThat(c.curateSchedule()).isEqualTo("rate(1 hour)");
    assertThat(c.retainData()).isTrue();
    assertThat(c.name("lake")).isEqualTo("cdp-dev-lake");
  }

  @Test
  void readsCommandLineStringsAsWellAsJsonValues() {
    Map<String, Object> context = new HashMap<>();
    context.put("cdp:env", "prod");
    context.put("cdp:tenants", "acme, globex");
    context.put("cdp:rawGlacierIrDays", "60");
    context.put("cdp:rawDeepArchiveDays", 365);
    context.put("cdp:removalPolicy", "destroy");
    context.put(
        "cdp:destinations",
        "[{\"name\":\"crm\",\"tenant\":\"acme\",\"detailTypes\":[\"Segment Membership Changed\"],"
            + "\"endpoint\":\"https://crm.example.com/in\",\"apiKeyHeader\":\"X-Key\","
            + "\"apiKeySecretArn\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm\"}]");
    DeployConfig c = DeployConfig.fromContext(context::get);
    assertThat(c.tenants()).containsExactly("acme", "globex");
    assertThat(c.retention().rawGlacierIrDays()).isEqualTo(60);
    assertThat(c.retention().rawDeepArchiveDays()).isEqualTo(365);
    assertThat(c.retainData()).isFalse();
    assertThat(c.destinations()).extracting(DeployConfig.Destination::name).containsExactly("crm");
  }

  @Test
  void rejectsAnEnvironmentNameThatCannotPrefixResourceNames() {
    assertThatThrownBy(() -> DeployConfig.fromContext(k -> k.equals("cdp:env") ? "Prod_1" : null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cdp:env 'Prod_1' is not valid");
  }

  @Test
  void rejectsDeepArchiveSoonerThanNinetyDaysAfterGlacierInstantRetrieval() {
    Map<String, Object> context = Map.of("cdp:rawGlacierIrDays", 30, "cdp:rawDeepArchiveDays", 60);
    assertThatThrownBy(() -> DeployConfig.fromContext(context::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cdp:rawDeepArchiveDays (60) must be at least")
        .hasMessageContaining("(120)");
  }

  @Test
  void rejectsALogRetentionCloudWatchDoesNotOffer() {
    assertThatThrownBy(
            () -> DeployConfig.fromContext(k -> k.equals("cdp:logRetentionDays") ? 45 : null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cdp:logRetentionDays (45) must be one CloudWatch Logs supports");
  }

  @Test
  void rejectsBadTenantsEmailsAndNumbers() {
    assertThatThrownBy(
            () ->
                DeployConfig.fromContext(
                    k -> k.equals("cdp:tenants") ? List.of("Acme Corp") : null))
        .hasMessageContaining("cdp:tenants 'Acme Corp' is not valid");
    assertThatThrownBy(
            () -> DeployConfig.fromContext(k -> k.equals("cdp:tenants") ? "acme,acme" : null))
        .hasMessageContaining("names a tenant twice");
    assertThatThrownBy(
            () -> DeployConfig.fromContext(k -> k.equals("cdp:alarmEmail") ? "ops" : null))
        .hasMessageContaining("cdp:alarmEmail 'ops' is not an e-mail address");
    assertThatThrownBy(
            () -> DeployConfig.fromContext(k -> k.equals("cdp:apiRateLimit") ? "fast" : null))
        .hasMessageContaining("cdp:apiRateLimit must be a number, got 'fast'");
  }

  @Test
  void rejectsADestinationOnAnEventTypeTheBusNeverCarries() {
    String unknown =
        "[{\"name\":\"crm\",\"tenant\":\"acme\",\"detailTypes\":[\"segment.entered\"],"
            + "\"endpoint\":\"https://crm.example.com\",\"apiKeyHeader\":\"X-Key\","
            + "\"apiKeySecretArn\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm\"}]";
    assertThatThrownBy(
            () -> DeployConfig.fromContext(k -> k.equals("cdp:destinations") ? unknown : null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "cdp:destinations[crm].detailTypes: 'segment.entered' is not an event the activation"
                + " bus carries; use one of [Segment Membership Changed]");
  }

  @Test
  void rejectsADestinationWithoutHttpsOrSecret() {
    String plainHttp =
        "[{\"name\":\"crm\",\"tenant\":\"acme\",\"detailTypes\":[\"Segment Membership Changed\"],"
            + "\"endpoint\":\"http://crm.example.com\",\"apiKeyHeader\":\"X-Key\","
            + "\"apiKeySecretArn\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm\"}]";
    assertThatThrownBy(
            () -> DeployConfig.fromContext(k -> k.equals("cdp:destinations") ? plainHttp : null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cdp:destinations")
        .hasMessageContaining("endpoint 'http://crm.example.com' is not valid");
  }
}
