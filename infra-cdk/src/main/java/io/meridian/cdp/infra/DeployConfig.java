package io.meridian.cdp.infra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.activation.BusPatterns;
import io.meridian.cdp.activation.MembershipChangeEvents;
import io.meridian.cdp.activation.PayloadMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What one deployment is parameterized by, read from CDK context keys {@code cdp:*} (in {@code
 * cdk.json} or given as {@code -c cdp:env=prod}); documented in docs/DEPLOY.md. Every value has a
 * default except where a wrong guess would be costly; bad values fail synthesis with a message
 * naming the key.
 *
 * @param env environment name ({@code cdp:env}), lower-case letters and digits, prefixes every
 *     physical name
 * @param tenants tenant ids curated by the schedule and given data cells filters ({@code
 *     cdp:tenants})
 * @param alarmEmail where alarms are e-mailed ({@code cdp:alarmEmail}), empty for none
 * @param retention lifecycle days of the lake zones and of logs
 * @param athenaBytesScannedCutoff per-query cutoff of the analysts' workgroup, bytes
 * @param api throttling of the ingestion API
 * @param curateSchedule EventBridge Scheduler expression of the curate runs
 * @param lakeFormationAdmins principal ARNs that administer Lake Formation; empty means the CDK
 *     bootstrap's CloudFormation execution role
 * @param destinations activation destinations: rules on the activation bus with an API destination
 *     or the activate function as target
 * @param retainData whether buckets, tables, keys and the stream survive stack deletion
 */
public record DeployConfig(
    String env,
    List<String> tenants,
    String alarmEmail,
    Retention retention,
    long athenaBytesScannedCutoff,
    ApiThrottle api,
    String curateSchedule,
    List<String> lakeFormationAdmins,
    List<Destination> destinations,
    boolean retainData) {

  private static final Pattern ENV = Pattern.compile("[a-z][a-z0-9]{0,11}");
  private static final Pattern TENANT = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<Integer> LOG_RETENTION_DAYS =
      Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Lifecycle days.
   *
   * @param rawGlacierIrDays raw objects move to Glacier Instant Retrieval after this many days
   * @param rawDeepArchiveDays and to Glacier Deep Archive after this many (greater)
   * @param quarantineExpiryDays quarantined records are deleted after this many days
   * @param noncurrentVersionDays replaced or deleted versions of clean, curated and quarantine
   *     objects are kept this long (raw versions are never expired: see ADR 0012)
   * @param logRetentionDays CloudWatch Logs retention of functions, API and state machines
   */
  public record Retention(
      int rawGlacierIrDays,
      int rawDeepArchiveDays,
      int quarantineExpiryDays,
      int noncurrentVersionDays,
      int logRetentionDays) {
    public Retention {
      positive("cdp:rawGlacierIrDays", rawGlacierIrDays);
      positive("cdp:quarantineExpiryDays", quarantineExpiryDays);
      positive("cdp:noncurrentVersionDays", noncurrentVersionDays);
      // S3 requires 90 days in Glacier Instant Retrieval before a transition to Deep Archive.
      if (rawDeepArchiveDays < rawGlacierIrDays + 90) {
        throw new IllegalArgumentException(
            "cdp:rawDeepArchiveDays ("
                + rawDeepArchiveDays
                + ") must be at least cdp:rawGlacierIrDays + 90 ("
                + (rawGlacierIrDays + 90)
                + "): S3 keeps objects 90 days in Glacier Instant Retrieval");
      }
      if (!LOG_RETENTION_DAYS.contains(logRetentionDays)) {
        throw new IllegalArgumentException(
            "cdp:logRetentionDays ("
                + logRetentionDays
                + ") must be one CloudWatch Logs supports: "
                + LOG_RETENTION_DAYS.stream().sorted().toList());
      }
    }
  }

  /**
   * Throttling of the ingestion API, per route: steady rate (requests per second) and burst.
   *
   * @param rateLimit default steady rate of every route
   * @param burstLimit default burst of every route
   * @param batchRateLimit steady rate of {@code /v1/batch} and {@code /v1/import} (up to 500 KB
   *     each)
   * @param batchBurstLimit burst of those routes
   */
  public record ApiThrottle(
      double rateLimit, int burstLimit, double batchRateLimit, int batchBurstLimit) {
    public ApiThrottle {
      positive("cdp:apiRateLimit", rateLimit);
      positive("cdp:apiBurstLimit", burstLimit);
      positive("cdp:apiBatchRateLimit", batchRateLimit);
      positive("cdp:apiBatchBurstLimit", batchBurstLimit);
    }
  }

  /** The detail-types publish-changes puts on the activation bus (events/). */
  public static final List<String> ACTIVATION_DETAIL_TYPES =
      List.of(MembershipChangeEvents.DETAIL_TYPE);

  /** How a destination is delivered to on AWS (ADR 0033). */
  public enum Kind {
    /** An EventBridge API destination: the whole event, an API key header from Secrets Manager. */
    API,
    /** The {@code activate} function: payload mapping, HMAC-signed POST (docs/ACTIVATION.md). */
    WEBHOOK;

    static Kind of(String value, String where) {
      if (value == null || value.equals("api")) {
        return API;
      }
      if (value.equals("webhook")) {
        return WEBHOOK;
      }
      throw new IllegalArgumentException(
          where + "kind '" + value + "' is unknown; use api (the default) or webhook");
    }
  }

  /**
   * A tenant's activation destination: a rule on the activation bus for the tenant's events of
   * {@code detailTypes} that also match {@code pattern} and, with a {@code consentPurpose}, leave
   * out profiles that refused it (the pattern is built by the core's {@link BusPatterns}, as local
   * destinations' are). Kind {@code api} (default): an API destination POSTs the whole event to
   * {@code endpoint} with the API key header {@code apiKeyHeader}, whose value is key {@code
   * apiKey} of the JSON secret {@code apiKeySecretArn}. Kind {@code webhook}: the {@code activate}
   * function applies {@code payload} (a {@link PayloadMapping} template), signs the body with the
   * secret {@code signingSecretArn} (its whole string) and POSTs it to {@code endpoint}, waiting at
   * most {@code timeoutMillis}.
   *
   * @param name destination id, unique, {@code [a-z0-9-]}
   * @param pattern optional EventBridge event pattern (an object or its JSON text), checked as
   *     local destinations' are; it must not test {@code source}, {@code detail-type} (they come
   *     from {@code detailTypes}) nor {@code detail.tenant}
   */
  public record Destination(
      String name,
      String tenant,
      String kind,
      List<String> detailTypes,
      JsonNode pattern,
      String consentPurpose,
      String endpoint,
      String apiKeyHeader,
      String apiKeySecretArn,
      String signingSecretArn,
      JsonNode payload,
      Integer timeoutMillis) {
    public Destination {
      require("cdp:destinations[].name", name, "[a-z0-9-]{1,40}");
      String key = "cdp:destinations[" + name + "]";
      String where = key + ": ";
      require(key + ".tenant", tenant, TENANT.pattern());
      Kind k = Kind.of(kind, where);
      kind = k.name().toLowerCase(java.util.Locale.ROOT);
      Objects.requireNonNull(detailTypes, key + ".detailTypes");
      detailTypes = List.copyOf(detailTypes);
      if (detailTypes.isEmpty()) {
        throw new IllegalArgumentException(key + ".detailTypes must name at least one event type");
      }
      for (String type : detailTypes) {
        if (!ACTIVATION_DETAIL_TYPES.contains(type)) {
          // a rule on a type nobody publishes would never match: the destination would get nothing
          throw new IllegalArgumentException(
              key
                  + ".detailTypes: '"
                  + type
                  + "' is not an event the activation bus carries; use one of "
                  + ACTIVATION_DETAIL_TYPES);
        }
      }
      if (pattern != null && !pattern.isNull()) {
        pattern = BusPatterns.checked(pattern, consentPurpose, where);
        for (String field : List.of("source", "detail-type")) {
          if (pattern.has(field)) {
            throw new IllegalArgumentException(
                where
                    + "pattern must not test "
                    + field
                    + ": the rule takes source "
                    + MembershipChangeEvents.SOURCE
                    + " and detail-type from detailTypes");
          }
        }
      } else {
        pattern = null;
      }
      BusPatterns.checkPurpose(consentPurpose, where);
      require(key + ".endpoint", endpoint, "https://\\S+");
      if (k == Kind.API) {
        require(key + ".apiKeyHeader", apiKeyHeader, "[A-Za-z0-9-]{1,64}");
        require(key + ".apiKeySecretArn", apiKeySecretArn, SECRET_ARN);
        only(where, "api", "signingSecretArn", signingSecretArn);
        only(where, "api", "payload", payload);
        only(where, "api", "timeoutMillis", timeoutMillis);
      } else {
        require(key + ".signingSecretArn", signingSecretArn, SECRET_ARN);
        only(where, "webhook", "apiKeyHeader", apiKeyHeader);
        only(where, "webhook", "apiKeySecretArn", apiKeySecretArn);
        try {
          PayloadMapping.parse(payload);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + e.getMessage(), e);
        }
        if (timeoutMillis != null && (timeoutMillis < 1 || timeoutMillis > MAX_WEBHOOK_TIMEOUT)) {
          throw new IllegalArgumentException(
              where
                  + "timeoutMillis must be between 1 and "
                  + MAX_WEBHOOK_TIMEOUT
                  + ", not "
                  + timeoutMillis);
        }
      }
    }

    /** The delivery kind. */
    public Kind deliveryKind() {
      return Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * The pattern of the destination's rule on the activation bus: {@code source}, {@code
     * detail-type} from {@code detailTypes}, the configured pattern, the tenant and the consent
     * condition ({@link BusPatterns#forTenant}).
     */
    public ObjectNode rulePattern() {
      ObjectNode base =
          pattern == null ? JSON.createObjectNode() : ((ObjectNode) pattern).deepCopy();
      base.putArray("source").add(MembershipChangeEvents.SOURCE);
      ArrayNode types = base.putArray("detail-type");
      detailTypes.forEach(types::add);
      return BusPatterns.forTenant(base, consentPurpose, tenant);
    }

    private static void only(String where, String kind, String field, Object value) {
      if (value != null) {
        throw new IllegalArgumentException(
            where + "'" + field + "' does not apply to destinations of kind " + kind);
      }
    }
  }

  /** The longest the activate function waits for a webhook's answer (its timeout is 30 s). */
  public static final int MAX_WEBHOOK_TIMEOUT = 20_000;

  private static final String SECRET_ARN = "arn:aws[a-z-]*:secretsmanager:\\S+";

  public DeployConfig {
    require("cdp:env", env, ENV.pattern());
    tenants = List.copyOf(tenants);
    for (String t : tenants) {
      require("cdp:tenants", t, TENANT.pattern());
    }
    if (tenants.size() != Set.copyOf(tenants).size()) {
      throw new IllegalArgumentException("cdp:tenants names a tenant twice: " + tenants);
    }
    if (!alarmEmail.isEmpty() && !EMAIL.matcher(alarmEmail).matches()) {
      throw new IllegalArgumentException(
          "cdp:alarmEmail '" + alarmEmail + "' is not an e-mail address");
    }
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(api, "api");
    if (athenaBytesScannedCutoff < 10L * 1024 * 1024) {
      throw new IllegalArgumentException(
          "cdp:athenaBytesScannedCutoff must be at least 10485760 (10 MB, Athena's minimum), got "
              + athenaBytesScannedCutoff);
    }
    require("cdp:curateSchedule", curateSchedule, "(rate|cron)\\(.+\\)");
    lakeFormationAdmins = List.copyOf(lakeFormationAdmins);
    for (String a : lakeFormationAdmins) {
      require("cdp:lakeFormationAdmins", a, "arn:aws[a-z-]*:iam::\\d{12}:(role|user)/\\S+");
    }
    destinations = List.copyOf(destinations);
    if (destinations.stream().map(Destination::name).distinct().count() != destinations.size()) {
      throw new IllegalArgumentException("cdp:destinations names a destination twice");
    }
  }

  /**
   * Reads the {@code cdp:*} context keys.
   *
   * @param context the value of a context key, null when unset (as {@code Node.tryGetContext})
   */
  public static DeployConfig fromContext(Function<String, Object> context) {
    Context c = new Context(context);
    return new DeployConfig(
        c.string("cdp:env", "dev"),
        c.list("cdp:tenants"),
        c.string("cdp:alarmEmail", ""),
        new Retention(
            c.integer("cdp:rawGlacierIrDays", 30),
            c.integer("cdp:rawDeepArchiveDays", 180),
            c.integer("cdp:quarantineExpiryDays", 90),
            c.integer("cdp:noncurrentVersionDays", 30),
            c.integer("cdp:logRetentionDays", 90)),
        c.number("cdp:athenaBytesScannedCutoff", 10L * 1024 * 1024 * 1024).longValue(),
        new ApiThrottle(
            c.number("cdp:apiRateLimit", 1000).doubleValue(),
            c.integer("cdp:apiBurstLimit", 2000),
            c.number("cdp:apiBatchRateLimit", 200).doubleValue(),
            c.integer("cdp:apiBatchBurstLimit", 400)),
        c.string("cdp:curateSchedule", "rate(1 hour)"),
        c.list("cdp:lakeFormationAdmins"),
        c.destinations("cdp:destinations"),
        !"destroy".equals(c.string("cdp:removalPolicy", "retain")));
  }

  /** A physical name: {@code cdp-<env>-<suffix>}. */
  public String name(String suffix) {
    return "cdp-" + env + "-" + suffix;
  }

  private static void positive(String key, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  private static void require(String key, String value, String pattern) {
    if (value == null || !value.matches(pattern)) {
      throw new IllegalArgumentException(
          key + " '" + value + "' is not valid: it must match " + pattern);
    }
  }

  /** Context values: JSON values from cdk.json, strings from {@code -c key=value}. */
  private record Context(Function<String, Object> values) {
    Optional<Object> value(String key) {
      return Optional.ofNullable(values.apply(key)).filter(v -> !"".equals(v));
    }

    String string(String key, String fallback) {
      return value(key).map(String::valueOf).map(String::trim).orElse(fallback);
    }

    Number number(String key, Number fallback) {
      Optional<Object> v = value(key);
      if (v.isEmpty()) {
        return fallback;
      }
      if (v.get() instanceof Number n) {
        return n;
      }
      try {
        return Double.valueOf(v.get().toString().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number, got '" + v.get() + "'", e);
      }
    }

    int integer(String key, int fallback) {
      Number n = number(key, fallback);
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException(key + " must be a whole number, got " + n);
      }
      return n.intValue();
    }

    /** A JSON list, or a comma-separated string. */
    List<String> list(String key) {
      Optional<Object> v = value(key);
      if (v.isEmpty()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      if (v.get() instanceof List<?> items) {
        items.forEach(i -> out.add(String.valueOf(i).trim()));
      } else {
        for (String part : v.get().toString().split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      }
      return out;
    }

    /** A JSON list of objects, or its text. */
    List<Destination> destinations(String key) {
      Optional<Object> v = value(key);
      if (v.isEmpty()) {
        return List.of();
      }
      try {
        Object items =
            v.get() instanceof String text ? JSON.readValue(text, Object.class) : v.get();
        List<Map<String, Object>> list =
            JSON.convertValue(items, new TypeReference<List<Map<String, Object>>>() {});
        List<Destination> out = new ArrayList<>();
        for (Map<String, Object> d : list) {
          out.add(JSON.convertValue(d, Destination.class));
        }
        return out;
      } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
        Throwable cause = e.getCause() instanceof IllegalArgumentException i ? i : e;
        throw new IllegalArgumentException(
            key
                + " must be a list of {name, tenant, kind, detailTypes, pattern, consentPurpose,"
                + " endpoint, apiKeyHeader, apiKeySecretArn | signingSecretArn, payload,"
                + " timeoutMillis}: "
                + cause.getMessage(),
            e);
      }
    }
  }
}
