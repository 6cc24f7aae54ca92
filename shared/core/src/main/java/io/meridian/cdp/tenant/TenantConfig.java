package io.meridian.cdp.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.segment.SegmentDefinitions;
import io.meridian.cdp.segment.Segments;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One client company of the ISV.
 *
 * @param id lake-safe id, see {@link Ids}
 * @param name display name
 * @param rateLimit events per second accepted from this tenant before the API answers 429
 * @param defaultPhoneRegion ISO 3166 region used to read phone numbers written without a country
 *     code
 * @param sources where this tenant's events come from
 * @param identity identity-resolution rules; null means the defaults (docs/IDENTITY.md)
 * @param segments segment definitions as written (docs/SEGMENTS.md), validated on construction;
 *     read them with {@link #segmentDefinitions()}
 */
public record TenantConfig(
    @JsonProperty("id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("rateLimit") Integer rateLimit,
    @JsonProperty("defaultPhoneRegion") String defaultPhoneRegion,
    @JsonProperty("sources") List<SourceConfig> sources,
    @JsonProperty("identity") IdentityRules identity,
    @JsonProperty("segments") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JsonNode> segments) {

  /** Default events-per-second budget of a tenant. */
  public static final int DEFAULT_RATE_LIMIT = 20_000;

  public TenantConfig {
    Ids.require("tenant", id);
    name = name == null || name.isBlank() ? id : name;
    rateLimit = rateLimit == null ? DEFAULT_RATE_LIMIT : rateLimit;
    if (rateLimit <= 0) {
      throw new IllegalArgumentException(
          "tenant '" + id + "': rateLimit must be a positive number of events per second");
    }
    defaultPhoneRegion = defaultPhoneRegion == null ? "US" : defaultPhoneRegion;
    if (!defaultPhoneRegion.matches("[A-Z]{2}")) {
      throw new IllegalArgumentException(
          "tenant '"
              + id
              + "': defaultPhoneRegion must be a two-letter ISO 3166 code such as US or DE");
    }
    sources = sources == null ? List.of() : List.copyOf(sources);
    Set<String> seen = new HashSet<>();
    for (SourceConfig s : sources) {
      if (!seen.add(s.id())) {
        throw new IllegalArgumentException(
            "tenant '" + id + "' declares source '" + s.id() + "' twice");
      }
    }
    segments = segments == null ? List.of() : List.copyOf(segments);
    try {
      SegmentDefinitions.parse(segments);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tenant '" + id + "': " + e.getMessage(), e);
    }
  }

  /** A tenant without segment definitions. */
  public TenantConfig(
      String id,
      String name,
      Integer rateLimit,
      String defaultPhoneRegion,
      List<SourceConfig> sources,
      IdentityRules identity) {
    this(id, name, rateLimit, defaultPhoneRegion, sources, identity, List.of());
  }

  /**
   * The validated segments declared in this tenant's entry (see also {@link
   * SegmentDefinitions#load}).
   */
  public Segments segmentDefinitions() {
    return SegmentDefinitions.parse(segments);
  }

  /** A new tenant with defaults and no sources. */
  public static TenantConfig named(String id, String name) {
    return new TenantConfig(id, name, null, null, List.of(), null);
  }

  /** The identity rules in force: the tenant's own, or the defaults. */
  public IdentityRules identityRules() {
    return identity == null ? IdentityRules.defaults() : identity;
  }

  public Optional<SourceConfig> source(String sourceId) {
    return sources.stream().filter(s -> s.id().equals(sourceId)).findFirst();
  }

  /** This tenant with {@code source} added, or replacing the source of the same id. */
  public TenantConfig withSource(SourceConfig source) {
    List<SourceConfig> next = new ArrayList<>();
    for (SourceConfig s : sources) {
      if (!s.id().equals(source.id())) {
        next.add(s);
      }
    }
    next.add(source);
    return new TenantConfig(id, name, rateLimit, defaultPhoneRegion, next, identity, segments);
  }
}
