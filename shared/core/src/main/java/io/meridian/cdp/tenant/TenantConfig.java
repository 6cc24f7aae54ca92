package io.meridian.cdp.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.identity.IdentityRules;
import io.meridian.cdp.privacy.PiiPolicy;
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
 * @param readKeyHashes hashes of the read keys of the profile API (never the keys themselves)
 * @param segments segment definitions as written (docs/SEGMENTS.md), validated on construction;
 *     read them with {@link #segmentDefinitions()}
 * @param destinations where activation events go (docs/ACTIVATION.md); ids unique
 * @param privacy the PII policy (docs/PRIVACY.md); null means {@link PiiPolicy#DEFAULT}
 */
public record TenantConfig(
    @JsonProperty("id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("rateLimit") Integer rateLimit,
    @JsonProperty("defaultPhoneRegion") String defaultPhoneRegion,
    @JsonProperty("sources") List<SourceConfig> sources,
    @JsonProperty("identity") IdentityRules identity,
    @JsonProperty("readKeyHashes") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        List<String> readKeyHashes,
    @JsonProperty("segments") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JsonNode> segments,
    @JsonProperty("destinations") List<DestinationConfig> destinations,
    @JsonProperty("privacy") PiiPolicy privacy) {

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
    readKeyHashes = readKeyHashes == null ? List.of() : List.copyOf(readKeyHashes);
    for (String h : readKeyHashes) {
      if (!WriteKeys.isHash(h)) {
        throw new IllegalArgumentException(
            "tenant '"
                + id
                + "' has a read key that is not stored as a sha256: hash; keys are never stored in"
                + " clear");
      }
    }
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
    destinations =
        destinations == null || destinations.isEmpty() ? null : List.copyOf(destinations);
    Set<String> destinationIds = new HashSet<>();
    for (DestinationConfig d : destinations == null ? List.<DestinationConfig>of() : destinations) {
      if (!destinationIds.add(d.id())) {
        throw new IllegalArgumentException(
            "tenant '" + id + "' declares destination '" + d.id() + "' twice");
      }
    }
  }

  /** A tenant with the default PII policy. */
  public TenantConfig(
      String id,
      String name,
      Integer rateLimit,
      String defaultPhoneRegion,
      List<SourceConfig> sources,
      IdentityRules identity,
      List<String> readKeyHashes,
      List<JsonNode> segments,
      List<DestinationConfig> destinations) {
    this(
        id,
        name,
        rateLimit,
        defaultPhoneRegion,
        sources,
        identity,
        readKeyHashes,
        segments,
        destinations,
        null);
  }

  /** The PII policy in force: the tenant's own, or the default (ADR 0019). */
  public PiiPolicy privacyPolicy() {
    return privacy == null ? PiiPolicy.DEFAULT : privacy;
  }

  /** This tenant with {@code policy} as its PII policy. */
  public TenantConfig withPrivacy(PiiPolicy policy) {
    return new TenantConfig(
        id,
        name,
        rateLimit,
        defaultPhoneRegion,
        sources,
        identity,
        readKeyHashes,
        segments,
        destinations,
        policy);
  }

  /** A tenant without read keys, segments and activation destinations. */
  public TenantConfig(
      String id,
      String name,
      Integer rateLimit,
      String defaultPhoneRegion,
      List<SourceConfig> sources,
      IdentityRules identity) {
    this(id, name, rateLimit, defaultPhoneRegion, sources, identity, null, null, null);
  }

  /**
   * The validated segments declared in this tenant's entry (see also {@link
   * SegmentDefinitions#load}).
   */
  public Segments segmentDefinitions() {
    return SegmentDefinitions.parse(segments);
  }

  /** The tenant's activation destinations (empty when none are configured). */
  public List<DestinationConfig> activationDestinations() {
    return destinations == null ? List.of() : destinations;
  }

  /** A new tenant with defaults and no sources. */
  public static TenantConfig named(String id, String name) {
    return new TenantConfig(id, name, null, null, List.of(), null, null, null, null);
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
    return new TenantConfig(
        id,
        name,
        rateLimit,
        defaultPhoneRegion,
        next,
        identity,
        readKeyHashes,
        segments,
        destinations,
        privacy);
  }

  /** This tenant with one more accepted read key hash (profile API). */
  public TenantConfig withReadKeyHash(String hash) {
    List<String> next = new ArrayList<>(readKeyHashes);
    next.add(hash);
    return new TenantConfig(
        id,
        name,
        rateLimit,
        defaultPhoneRegion,
        sources,
        identity,
        next,
        segments,
        destinations,
        privacy);
  }
}
