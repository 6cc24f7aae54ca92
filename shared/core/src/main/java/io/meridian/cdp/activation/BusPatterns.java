package io.meridian.cdp.activation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;
import software.amazon.event.ruler.JsonRuleCompiler;

/**
 * The event patterns of destinations, one piece of code for both runtimes: the checks of a
 * configured pattern and consent purpose (cdp.yaml destinations locally, {@code cdp:destinations}
 * of the CDK app on AWS), and the pattern of a destination's rule on a bus shared by all tenants.
 * Every message starts with {@code where}, which names the destination in the caller's terms.
 */
public final class BusPatterns {
  private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private BusPatterns() {}

  /**
   * {@code pattern} (a JSON object, or its text) checked as an EventBridge event pattern with
   * event-ruler, EventBridge's own matcher; it must not test {@code detail.tenant} (a destination
   * sees its tenant's events only) nor {@code detail.consent.<consentPurpose>} (added for it).
   *
   * @throws IllegalArgumentException starting with {@code where}
   */
  public static ObjectNode checked(JsonNode pattern, String consentPurpose, String where) {
    if (pattern == null || pattern.isNull()) {
      throw new IllegalArgumentException(
          where
              + "'pattern' is required, e.g. {\"detail-type\": [\"Segment Membership Changed\"]}");
    }
    JsonNode node = pattern;
    if (pattern.isTextual()) {
      try {
        node = ActivationJson.MAPPER.readTree(pattern.asText());
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            where + "pattern is not valid JSON: " + e.getOriginalMessage(), e);
      }
    }
    if (!node.isObject() || node.isEmpty()) {
      throw new IllegalArgumentException(
          where + "pattern must be a non-empty JSON object (an EventBridge event pattern)");
    }
    String error = JsonRuleCompiler.check(node.toString());
    if (error != null) {
      throw new IllegalArgumentException(
          where + "pattern is not a valid EventBridge event pattern: " + error.strip());
    }
    if (!node.at("/detail/tenant").isMissingNode()) {
      throw new IllegalArgumentException(
          where
              + "pattern must not test detail.tenant: a destination receives only its own tenant's"
              + " events");
    }
    if (consentPurpose != null && !node.at("/detail/consent/" + consentPurpose).isMissingNode()) {
      throw new IllegalArgumentException(
          where
              + "pattern must not test detail.consent."
              + consentPurpose
              + " when consentPurpose is "
              + consentPurpose
              + "; the consent condition is added for you");
    }
    return (ObjectNode) node;
  }

  /**
   * Checks a consent purpose: null (none), or lower-case letters, digits and {@code _}.
   *
   * @throws IllegalArgumentException starting with {@code where}
   */
  public static void checkPurpose(String consentPurpose, String where) {
    if (consentPurpose != null && !PURPOSE.matcher(consentPurpose).matches()) {
      throw new IllegalArgumentException(
          where
              + "consentPurpose '"
              + consentPurpose
              + "' is invalid: use lower-case letters, digits and '_', starting with a letter"
              + " (e.g. advertising)");
    }
  }

  /**
   * The pattern of a destination's rule on a bus shared by all tenants (EventBridge on AWS): a copy
   * of {@code pattern}, plus {@code detail.tenant = [tenant]}, plus, with a consent purpose, {@code
   * detail.consent.<purpose> = [true, {"exists": false}]} — so that the rule itself leaves out
   * profiles whose consent for the purpose is false, as the local bus does (which counts them).
   */
  public static ObjectNode forTenant(ObjectNode pattern, String consentPurpose, String tenant) {
    ObjectNode p = pattern.deepCopy();
    ObjectNode detail = p.get("detail") instanceof ObjectNode d ? d : p.putObject("detail");
    detail.putArray("tenant").add(tenant);
    if (consentPurpose != null) {
      ObjectNode consent =
          detail.get("consent") instanceof ObjectNode c ? c : detail.putObject("consent");
      ArrayNode values = consent.putArray(consentPurpose);
      values.add(true);
      values.addObject().put("exists", false);
    }
    return p;
  }
}
