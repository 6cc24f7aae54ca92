package io.meridian.cdp.privacy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.cdp.secret.SecretRef;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's PII policy ({@code privacy:} in cdp.yaml, docs/PRIVACY.md): per kind of declared
 * personal data ({@link PiiType}) and per kind of personal data the detector finds in undeclared
 * properties and traits ({@link PiiKind}), one {@link PiiAction}. Kinds left out take the defaults
 * ({@link #DEFAULT}, ADR 0019). Validated on construction: an unknown kind or action, a hash
 * without a secret reference, or a mask of an opaque identifier is refused with the reason.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class PiiPolicy {
  /**
   * The policy of a tenant without a {@code privacy:} block: declared fields kept (identity
   * resolution, segments and activation read them), IP addresses masked to their network, and
   * payment cards, IBANs and national ids found in free text masked. ADR 0019 explains why.
   */
  public static final PiiPolicy DEFAULT = new PiiPolicy(null, null, null);

  private final Map<PiiType, PiiAction> declaredGiven;
  private final Map<PiiKind, PiiAction> detectedGiven;
  private final String hashSecretText;
  private final Map<PiiType, PiiAction> declared;
  private final Map<PiiKind, PiiAction> detected;
  private final SecretRef hashSecret;

  /**
   * @param declared actions by kind of declared data; kinds left out take their default
   * @param detected actions by kind found in undeclared properties and traits; likewise
   * @param hashSecret reference to the tenant's HMAC secret; required when something is hashed
   */
  @JsonCreator
  public PiiPolicy(
      @JsonProperty("declared") Map<PiiType, PiiAction> declared,
      @JsonProperty("detected") Map<PiiKind, PiiAction> detected,
      @JsonProperty("hashSecret") String hashSecret) {
    EnumMap<PiiType, PiiAction> dg = new EnumMap<>(PiiType.class);
    if (declared != null) {
      dg.putAll(declared);
    }
    EnumMap<PiiKind, PiiAction> fg = new EnumMap<>(PiiKind.class);
    if (detected != null) {
      fg.putAll(detected);
    }
    if (dg.containsValue(null) || fg.containsValue(null)) {
      throw new IllegalArgumentException(
          "privacy: every kind needs an action (keep, hash, tokenize, mask or drop)");
    }
    this.declaredGiven = Collections.unmodifiableMap(dg);
    this.detectedGiven = Collections.unmodifiableMap(fg);
    this.hashSecretText = hashSecret;
    EnumMap<PiiType, PiiAction> d = new EnumMap<>(PiiType.class);
    for (PiiType t : PiiType.values()) {
      d.put(t, defaultFor(t));
    }
    d.putAll(declaredGiven);
    for (PiiType t : new PiiType[] {PiiType.USER_ID, PiiType.DEVICE_ID}) {
      if (d.get(t) == PiiAction.MASK) {
        throw new IllegalArgumentException(
            "privacy.declared."
                + t.yamlName()
                + ": mask is not allowed for an opaque identifier (masked ids of different people"
                + " would look alike); use keep, hash, tokenize or drop");
      }
    }
    EnumMap<PiiKind, PiiAction> f = new EnumMap<>(PiiKind.class);
    for (PiiKind k : PiiKind.values()) {
      f.put(k, defaultFor(k));
    }
    f.putAll(detectedGiven);
    this.declared = Collections.unmodifiableMap(d);
    this.detected = Collections.unmodifiableMap(f);
    boolean hashes = d.containsValue(PiiAction.HASH) || f.containsValue(PiiAction.HASH);
    if (hashSecret != null) {
      try {
        this.hashSecret = SecretRef.parse(hashSecret);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("privacy.hashSecret: " + e.getMessage(), e);
      }
    } else if (hashes) {
      throw new IllegalArgumentException(
          "privacy: the action hash needs hashSecret, a reference to the tenant's HMAC secret"
              + " (file:NAME, env:NAME or secretsmanager:NAME; cdp secrets set NAME --generate)");
    } else {
      this.hashSecret = null;
    }
  }

  /** The default action for declared data of {@code type}. */
  public static PiiAction defaultFor(PiiType type) {
    return type == PiiType.IP ? PiiAction.MASK : PiiAction.KEEP;
  }

  /** The default action for data of {@code kind} found in free text. */
  public static PiiAction defaultFor(PiiKind kind) {
    return switch (kind) {
      case PAYMENT_CARD, IBAN, US_SSN, UK_NINO -> PiiAction.MASK;
      case EMAIL, PHONE, IP_ADDRESS -> PiiAction.KEEP;
    };
  }

  /** The kind named {@code name} in {@code privacy.detected}, e.g. {@code payment_card}. */
  public static PiiKind parseKind(String name) {
    for (PiiKind k : PiiKind.values()) {
      if (k.name().toLowerCase(java.util.Locale.ROOT).equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown kind '"
            + name
            + "' of detected personal data; known kinds: "
            + java.util.Arrays.stream(PiiKind.values())
                .map(k -> k.name().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(", ")));
  }

  /** The action for declared data of {@code type}. */
  public PiiAction action(PiiType type) {
    return declared.get(type);
  }

  /** The action for data of {@code kind} found in undeclared properties and traits. */
  public PiiAction action(PiiKind kind) {
    return detected.get(kind);
  }

  /** Whether this policy changes nothing and scans nothing: the converter's no-op path. */
  public boolean keepsAll() {
    return declared.values().stream().allMatch(a -> a == PiiAction.KEEP)
        && detected.values().stream().allMatch(a -> a == PiiAction.KEEP);
  }

  /** Whether some kind is hashed (the tenant's HMAC secret is needed). */
  public boolean hashes() {
    return declared.containsValue(PiiAction.HASH) || detected.containsValue(PiiAction.HASH);
  }

  /** Whether some kind is tokenized (the tenant's data key is needed). */
  public boolean tokenizes() {
    return declared.containsValue(PiiAction.TOKENIZE) || detected.containsValue(PiiAction.TOKENIZE);
  }

  /** The actions this policy sets for declared kinds (the others take their defaults). */
  public Map<PiiType, PiiAction> declaredSet() {
    return declaredGiven;
  }

  /** The actions this policy sets for detected kinds (the others take their defaults). */
  public Map<PiiKind, PiiAction> detectedSet() {
    return detectedGiven;
  }

  /** The reference to the tenant's HMAC secret, when the policy names one. */
  public Optional<SecretRef> hashSecret() {
    return Optional.ofNullable(hashSecret);
  }

  /** A policy that keeps everything and scans nothing (tests, benchmarks). */
  public static PiiPolicy keepAll() {
    Map<PiiType, PiiAction> d = new EnumMap<>(PiiType.class);
    for (PiiType t : PiiType.values()) {
      d.put(t, PiiAction.KEEP);
    }
    Map<PiiKind, PiiAction> f = new EnumMap<>(PiiKind.class);
    for (PiiKind k : PiiKind.values()) {
      f.put(k, PiiAction.KEEP);
    }
    return new PiiPolicy(d, f, null);
  }

  @JsonProperty("declared")
  Map<String, String> declaredText() {
    Map<String, String> out = new LinkedHashMap<>();
    declaredGiven.forEach((k, v) -> out.put(k.yamlName(), v.yamlName()));
    return out;
  }

  @JsonProperty("detected")
  Map<String, String> detectedText() {
    Map<String, String> out = new LinkedHashMap<>();
    detectedGiven.forEach(
        (k, v) -> out.put(k.name().toLowerCase(java.util.Locale.ROOT), v.yamlName()));
    return out;
  }

  @JsonProperty("hashSecret")
  String hashSecretText() {
    return hashSecretText;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PiiPolicy p
        && declared.equals(p.declared)
        && detected.equals(p.detected)
        && Objects.equals(hashSecret, p.hashSecret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(declared, detected, hashSecret);
  }
}
