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

  private static final String API =
      "\"name\":\"crm\",\"tenant\":\"acme\",\"detailTypes\":[\"Segment Membership Changed\"],"
          + "\"endpoint\":\"https://crm.example.com\",\"apiKeyHeader\":\"X-Key\","
          + "\"apiKeySecretArn\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm\"";
  private static final String WEBHOOK =
      "\"name\":\"hook\",\"tenant\":\"acme\",\"kind\":\"webhook\","
          + "\"detailTypes\":[\"Segment Membership Changed\"],"
          + "\"endpoint\":\"https://hooks.example.com\","
          + "\"signingSecretArn\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook\"";

  private static DeployConfig.Destination destination(String fields) {
    List<DeployConfig.Destination> d =
        DeployConfig.fromContext(k -> k.equals("cdp:destinations") ? "[{" + fields + "}]" : null)
            .destinations();
    return d.get(0);
  }

  @Test
  void aRulePatternHoldsTheEventTypesTheConfiguredPatternTheTenantAndTheConsentCondition() {
    String pattern =
        "{\"detail\":{\"segment\":{\"id\":[{\"prefix\":\"vip-\"}]},\"change\":[\"entered\"]}}";
    DeployConfig.Destination d =
        destination(API + ",\"consentPurpose\":\"advertising\",\"pattern\":" + pattern);
    assertThat(d.deliveryKind()).isEqualTo(DeployConfig.Kind.API);
    assertThat(d.rulePattern().toString())
        .isEqualTo(
            "{\"detail\":{\"segment\":{\"id\":[{\"prefix\":\"vip-\"}]},\"change\":[\"entered\"],"
                + "\"tenant\":[\"acme\"],\"consent\":{\"advertising\":[true,{\"exists\":false}]}},"
                + "\"source\":[\"meridian.cdp\"],\"detail-type\":[\"Segment Membership Changed\"]}");
    // a pattern given as JSON text, as on the command line, is the same pattern
    DeployConfig.Destination text =
        destination(
            API
                + ",\"consentPurpose\":\"advertising\",\"pattern\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(pattern));
    assertThat(text.rulePattern()).isEqualTo(d.rulePattern());
    // without pattern or purpose: the tenant's events of the types
    assertThat(destination(API).rulePattern().toString())
        .isEqualTo(
            "{\"source\":[\"meridian.cdp\"],\"detail-type\":[\"Segment Membership Changed\"],"
                + "\"detail\":{\"tenant\":[\"acme\"]}}");
  }

  @Test
  void refusesBadPatternsAndPurposesWithTheMessagesOfLocalDestinations() {
    assertThatThrownBy(
            () -> destination(API + ",\"pattern\":{\"detail\":{\"change\":\"entered\"}}"))
        .hasMessageContaining(
            "cdp:destinations[crm]: pattern is not a valid EventBridge event pattern:");
    assertThatThrownBy(() -> destination(API + ",\"pattern\":\"{not json\""))
        .hasMessageContaining("cdp:destinations[crm]: pattern is not valid JSON");
    assertThatThrownBy(
            () -> destination(API + ",\"pattern\":{\"detail\":{\"tenant\":[\"globex\"]}}"))
        .hasMessageContaining(
            "cdp:destinations[crm]: pattern must not test detail.tenant: a destination receives"
                + " only its own tenant's events");
    assertThatThrownBy(
            () ->
                destination(
                    API
                        + ",\"consentPurpose\":\"advertising\","
                        + "\"pattern\":{\"detail\":{\"consent\":{\"advertising\":[false]}}}"))
        .hasMessageContaining(
            "cdp:destinations[crm]: pattern must not test detail.consent.advertising when"
                + " consentPurpose is advertising");
    assertThatThrownBy(() -> destination(API + ",\"consentPurpose\":\"Ads!\""))
        .hasMessageContaining(
            "cdp:destinations[crm]: consentPurpose 'Ads!' is invalid: use lower-case letters,"
                + " digits and '_', starting with a letter (e.g. advertising)");
    assertThatThrownBy(
            () ->
                destination(
                    API + ",\"pattern\":{\"detail-type\":[\"Segment Membership Changed\"]}"))
        .hasMessageContaining(
            "cdp:destinations[crm]: pattern must not test detail-type: the rule takes source"
                + " meridian.cdp and detail-type from detailTypes");
  }

  @Test
  void aWebhookDestinationNeedsItsSigningSecretAndTakesAPayloadTemplate() {
    DeployConfig.Destination hook =
        destination(
            WEBHOOK + ",\"payload\":{\"email\":\"$.detail.traits.email\"},\"timeoutMillis\":2000");
    assertThat(hook.deliveryKind()).isEqualTo(DeployConfig.Kind.WEBHOOK);
    assertThat(hook.timeoutMillis()).isEqualTo(2000);
    assertThatThrownBy(
            () -> destination(WEBHOOK.replaceAll(",\"signingSecretArn\":\"[^\"]*\"", "")))
        .hasMessageContaining("cdp:destinations[hook].signingSecretArn 'null' is not valid");
    assertThatThrownBy(() -> destination(WEBHOOK + ",\"payload\":{\"email\":\"$.detail..email\"}"))
        .hasMessageContaining("cdp:destinations[hook]: payload.email: path '$.detail..email'");
    assertThatThrownBy(() -> destination(WEBHOOK + ",\"timeoutMillis\":60000"))
        .hasMessageContaining("cdp:destinations[hook]: timeoutMillis must be between 1 and 20000");
    assertThatThrownBy(() -> destination(WEBHOOK + ",\"apiKeyHeader\":\"X-Key\""))
        .hasMessageContaining(
            "cdp:destinations[hook]: 'apiKeyHeader' does not apply to destinations of kind webhook");
    assertThatThrownBy(() -> destination(API + ",\"payload\":{\"a\":1}"))
        .hasMessageContaining(
            "cdp:destinations[crm]: 'payload' does not apply to destinations of kind api");
    assertThatThrownBy(() -> destination(API + ",\"kind\":\"sms\""))
        .hasMessageContaining(
            "cdp:destinations[crm]: kind 'sms' is unknown; use api (the default) or webhook");
  }
}
