package io.meridian.cdp.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tenant's identity-resolution rules: the {@code identity:} block of its entry in {@code
 * cdp.yaml} (docs/IDENTITY.md). Every field is optional; what is left out takes the defaults below.
 *
 * @param identifiers identifier types, highest priority first. The highest-priority identifier of
 *     an event decides which profile the event belongs to; a type's {@code limit} is the most
 *     values of it one profile may hold, and a link that would exceed it is refused and recorded
 * @param blocked values that never become identifiers, compared ignoring case, in addition to the
 *     built-in list ({@link #BUILT_IN_BLOCKED})
 * @param maxLength longest identifier value accepted, in characters
 * @param traits trait merge policy per trait name: {@code latest} (default: the value with the
 *     latest event timestamp wins) or {@code first} (the earliest wins)
 */
public record IdentityRules(
    @JsonProperty("identifiers") List<IdentifierRule> identifiers,
    @JsonProperty("blocked") List<String> blocked,
    @JsonProperty("maxLength") Integer maxLength,
    @JsonProperty("traits") Map<String, String> traits) {

  /** Placeholders and test values that SDKs and forms send in place of a real identifier. */
  public static final List<String> BUILT_IN_BLOCKED =
      List.of(
          "null",
          "undefined",
          "none",
          "nil",
          "nan",
          "0",
          "-1",
          "n/a",
          "na",
          "unknown",
          "anonymous",
          "guest",
          "test",
          "[object object]",
          "true",
          "false",
          "test@test.com",
          "test@example.com",
          "email@example.com",
          "noreply@example.com",
          "user@example.com",
          "00000000-0000-0000-0000-000000000000");

  /**
   * All-zero device ids (IDFA/GAID when tracking is refused) and values made of one repeated
   * character, such as {@code 0000} or {@code xxxxxxxx}.
   */
  static final Pattern DEGENERATE = Pattern.compile("[0\\-]+|(.)\\1{3,}");

  public static final int DEFAULT_MAX_LENGTH = 256;

  /** Identifier types every event can carry, with their default sources. */
  public static final String USER_ID = "user_id";

  public static final String ANONYMOUS_ID = "anonymous_id";
  public static final String EMAIL = "email";
  public static final String PHONE = "phone";

  private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Pattern PATH =
      Pattern.compile(
          "userId|anonymousId|previousId|(traits|properties|context)(\\.[A-Za-z0-9_$@-]+)+");

  public IdentityRules {
    identifiers =
        identifiers == null || identifiers.isEmpty()
            ? defaultIdentifiers()
            : List.copyOf(identifiers);
    Set<String> types = new HashSet<>();
    for (IdentifierRule r : identifiers) {
      if (!types.add(r.type())) {
        throw new IllegalArgumentException(
            "identity: identifier type '" + r.type() + "' is declared twice");
      }
    }
    blocked = blocked == null ? List.of() : List.copyOf(blocked);
    for (String b : blocked) {
      if (b == null || b.isBlank()) {
        throw new IllegalArgumentException("identity: blocked values must not be empty");
      }
    }
    maxLength = maxLength == null ? DEFAULT_MAX_LENGTH : maxLength;
    if (maxLength < 1 || maxLength > 4096) {
      throw new IllegalArgumentException(
          "identity: maxLength must be between 1 and 4096 characters, not " + maxLength);
    }
    traits = traits == null ? Map.of() : Map.copyOf(traits);
    for (Map.Entry<String, String> t : traits.entrySet()) {
      if (!t.getValue().equals("latest") && !t.getValue().equals("first")) {
        throw new IllegalArgumentException(
            "identity: trait '"
                + t.getKey()
                + "' has merge policy '"
                + t.getValue()
                + "'; use latest or first");
      }
    }
  }

  /** The rules used when a tenant declares none. */
  public static IdentityRules defaults() {
    return new IdentityRules(null, null, null, null);
  }

  /** user_id (1 per profile), email (5), phone (5), anonymous_id (20), in that priority. */
  public static List<IdentifierRule> defaultIdentifiers() {
    return List.of(
        new IdentifierRule(USER_ID, 1, null, null),
        new IdentifierRule(EMAIL, 5, null, null),
        new IdentifierRule(PHONE, 5, null, null),
        new IdentifierRule(ANONYMOUS_ID, 20, null, null));
  }

  /** Every blocked value (built-in and the tenant's), lower-cased. */
  public Set<String> blockedValues() {
    Set<String> all = new HashSet<>();
    for (String b : BUILT_IN_BLOCKED) {
      all.add(b);
    }
    for (String b : blocked) {
      all.add(b.trim().toLowerCase(Locale.ROOT));
    }
    return all;
  }

  /** Trait merge policy: true when the earliest value of {@code trait} wins. */
  public boolean firstWins(String trait) {
    return "first".equals(traits.get(trait));
  }

  /** The index of {@code type} in priority order, or -1. */
  public int indexOf(String type) {
    for (int i = 0; i < identifiers.size(); i++) {
      if (identifiers.get(i).type().equals(type)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One identifier type.
   *
   * @param type name: {@code user_id}, {@code email}, {@code phone}, {@code anonymous_id} or a name
   *     of the tenant's own (a CRM id, a hashed email)
   * @param limit most values of this type in one profile (default 1 for user_id, 5 for email and
   *     phone, 20 for anonymous_id, 1 for other types)
   * @param paths where values are read: {@code userId}, {@code anonymousId}, {@code previousId}, or
   *     a dotted path under {@code traits}, {@code properties} or {@code context}. Defaults:
   *     userId; anonymousId and previousId; traits.email and context.traits.email; traits.phone and
   *     context.traits.phone; for other types, traits.&lt;type&gt; and context.traits.&lt;type&gt;.
   *     Entries of {@code context.externalIds} whose {@code type} is this type are always read.
   * @param normalize extra normalization: {@code gmail} (for email: drop dots and {@code +tags} of
   *     gmail.com and googlemail.com addresses), {@code plus_tags} (for email: drop {@code +tags}
   *     everywhere), {@code lowercase} (any type)
   */
  public record IdentifierRule(
      @JsonProperty("type") String type,
      @JsonProperty("limit") Integer limit,
      @JsonProperty("paths") List<String> paths,
      @JsonProperty("normalize") List<String> normalize) {

    private static final Set<String> NORMALIZERS = Set.of("gmail", "plus_tags", "lowercase");

    public IdentifierRule {
      if (type == null || !TYPE_NAME.matcher(type).matches()) {
        throw new IllegalArgumentException(
            "identity: identifier type '"
                + type
                + "' must be 1-64 of a-z 0-9 _ starting with a letter");
      }
      limit = limit == null ? defaultLimit(type) : limit;
      if (limit < 1 || limit > 10_000) {
        throw new IllegalArgumentException(
            "identity: limit of '" + type + "' must be between 1 and 10000, not " + limit);
      }
      paths = paths == null || paths.isEmpty() ? defaultPaths(type) : List.copyOf(paths);
      for (String p : paths) {
        if (p == null || !PATH.matcher(p).matches()) {
          throw new IllegalArgumentException(
              "identity: path '"
                  + p
                  + "' of '"
                  + type
                  + "' is not userId, anonymousId, previousId or a dotted path under traits,"
                  + " properties or context");
        }
      }
      normalize = normalize == null ? List.of() : List.copyOf(normalize);
      for (String n : normalize) {
        if (!NORMALIZERS.contains(n)) {
          throw new IllegalArgumentException(
              "identity: unknown normalization '"
                  + n
                  + "' for '"
                  + type
                  + "'; use gmail, plus_tags or lowercase");
        }
        if ((n.equals("gmail") || n.equals("plus_tags")) && !type.equals(EMAIL)) {
          throw new IllegalArgumentException(
              "identity: normalization '" + n + "' applies to email only, not '" + type + "'");
        }
      }
    }

    private static int defaultLimit(String type) {
      return switch (type) {
        case EMAIL, PHONE -> 5;
        case ANONYMOUS_ID -> 20;
        default -> 1;
      };
    }

    private static List<String> defaultPaths(String type) {
      return switch (type) {
        case USER_ID -> List.of("userId");
        case ANONYMOUS_ID -> List.of("anonymousId", "previousId");
        default -> List.of("traits." + type, "context.traits." + type);
      };
    }
  }

  /** The identifier type names in priority order. */
  public List<String> typeNames() {
    List<String> names = new ArrayList<>();
    for (IdentifierRule r : identifiers) {
      names.add(r.type());
    }
    return names;
  }
}
