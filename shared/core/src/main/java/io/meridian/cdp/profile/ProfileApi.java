package io.meridian.cdp.profile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.identity.IdentifierExtractor;
import io.meridian.cdp.privacy.PiiProtection;
import io.meridian.cdp.tenant.HttpBasic;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The profile API, whatever serves it (the local server, API Gateway's Lambda): {@code GET
 * /v1/profiles/{profileId}} and {@code GET /v1/profiles?identifier_type=…&identifier=…}. A read key
 * (HTTP Basic user name, like the Tracking API's write key, or {@code Bearer}) selects the tenant;
 * every lookup is confined to it, so another tenant's profile is simply not found.
 */
public final class ProfileApi {
  /** The path prefix this API answers. */
  public static final String PATH = "/v1/profiles";

  private final Supplier<Tenants> tenants;
  private final CuratedProfiles profiles;
  private final PiiProtection pii;

  /** The API for tenants whose PII policies keep identifiers in clear. */
  public ProfileApi(Supplier<Tenants> tenants, CuratedProfiles profiles) {
    this(tenants, profiles, PiiProtection.none());
  }

  /**
   * @param pii turns a looked-up identifier into its stored form (hashed or tokenized per the
   *     tenant's policy, ADR 0019)
   */
  public ProfileApi(Supplier<Tenants> tenants, CuratedProfiles profiles, PiiProtection pii) {
    this.tenants = tenants;
    this.profiles = profiles;
    this.pii = pii;
  }

  /** An HTTP answer: status, JSON body, extra headers. */
  public record Response(int status, String body, Map<String, String> headers) {
    public Response {
      headers = Map.copyOf(headers);
    }
  }

  /**
   * Answers one request.
   *
   * @param rawPath the path, not decoded
   * @param rawQuery the query string without {@code ?}, not decoded; null when absent
   */
  public Response handle(String method, String rawPath, String rawQuery, String authorization) {
    if (!rawPath.equals(PATH) && !rawPath.startsWith(PATH + "/")) {
      return error(404, "unknown_endpoint", "no such endpoint");
    }
    Tenants t = tenants.get();
    String key = key(authorization);
    if (key == null) {
      return unauthorized("a read key is required: HTTP Basic with the key as user name");
    }
    Optional<String> tenant = t.readerOf(key);
    if (tenant.isEmpty()) {
      return unauthorized(
          key.startsWith("wk_")
              ? "write keys cannot read profiles; use a read key (cdp tenants read-key)"
              : "unknown read key");
    }
    if (!method.equals("GET")) {
      return new Response(
          405,
          body("method_not_allowed", "the profile API answers GET only"),
          Map.of("Allow", "GET"));
    }
    if (rawPath.equals(PATH) || rawPath.equals(PATH + "/")) {
      return byIdentifier(tenant.get(), t, query(rawQuery));
    }
    String id = decode(rawPath.substring(PATH.length() + 1));
    if (!id.matches("p_[0-9a-f]{20}")) {
      return error(400, "invalid_profile_id", "a profile id is p_ and 20 hex digits");
    }
    return found(profiles.byId(tenant.get(), id), "no profile " + id);
  }

  private Response byIdentifier(String tenant, Tenants t, Map<String, String> query) {
    String type = query.get("identifier_type");
    String value = query.get("identifier");
    if (type == null || type.isBlank() || value == null || value.isBlank()) {
      return error(
          400,
          "missing_parameter",
          "give identifier_type and identifier, e.g. ?identifier_type=email&identifier=…");
    }
    TenantConfig config = t.tenant(tenant).orElse(TenantConfig.named(tenant, tenant));
    var rules = config.identityRules();
    if (rules.identifiers().stream().noneMatch(r -> r.type().equals(type))) {
      return error(
          400,
          "unknown_identifier_type",
          "identifier_type '"
              + type
              + "' is not configured for this tenant; known: "
              + rules.identifiers().stream().map(r -> r.type()).toList());
    }
    Optional<String> normalized =
        new IdentifierExtractor(rules, config.defaultPhoneRegion()).normalize(type, value);
    if (normalized.isEmpty()) {
      return error(404, "not_found", "no profile: the value is not a valid or accepted " + type);
    }
    Optional<String> stored = pii.storedForm(config, type, normalized.get());
    if (stored.isEmpty()) {
      return error(
          404,
          "not_found",
          "no profile: this tenant's PII policy does not store " + type + " values");
    }
    return found(profiles.byIdentifier(tenant, type, stored.get()), "no profile with that " + type);
  }

  private static Response found(Optional<ProfileView> profile, String notFound) {
    if (profile.isEmpty()) {
      return error(404, "not_found", notFound);
    }
    ObjectNode body = profile.get().toJson();
    return new Response(200, body.toString(), Map.of("Cache-Control", "no-store"));
  }

  private static String key(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.strip();
    if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return a.substring(7).strip();
    }
    return HttpBasic.user(a).orElse(null);
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      out.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a malformed escape stays as typed and is then not found
    }
  }

  private static Response unauthorized(String message) {
    return new Response(
        401, body("unauthorized", message), Map.of("WWW-Authenticate", "Basic realm=\"profiles\""));
  }

  private static Response error(int status, String code, String message) {
    return new Response(status, body(code, message), Map.of());
  }

  private static String body(String code, String message) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("success", false).put("code", code).put("message", message);
    return o.toString();
  }
}
