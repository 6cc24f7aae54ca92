package io.meridian.cdp.privacy;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The declared personal data of {@code clean.events}: which columns hold one value of a {@link
 * PiiType}, and which fields inside its JSON columns do. The same classification is written as
 * {@code x-pii} in the call schema ({@code events/segment-call}) and in the PII column of
 * docs/TABLES.md; {@code PiiFieldsTest} checks that the three agree. {@code context.traits} carries
 * the same fields as {@code traits} (identity resolution reads both).
 */
public final class PiiFields {
  /** Columns of {@code clean.events} that hold one identifier each. */
  public static final Map<String, PiiType> EVENT_COLUMNS =
      ordered(
          "user_id", PiiType.USER_ID,
          "anonymous_id", PiiType.DEVICE_ID,
          "previous_id", PiiType.USER_ID);

  /** Fields of {@code traits} (and {@code context.traits}) that a schema declares. */
  public static final Map<String, PiiType> TRAIT_FIELDS =
      ordered(
          "email", PiiType.EMAIL,
          "phone", PiiType.PHONE,
          "name", PiiType.NAME,
          "firstName", PiiType.NAME,
          "lastName", PiiType.NAME,
          "address", PiiType.ADDRESS);

  /** Fields of {@code context} (other than its traits) that a schema declares. */
  public static final Map<String, PiiType> CONTEXT_FIELDS = ordered("ip", PiiType.IP);

  private PiiFields() {}

  /**
   * Every declared field by its path in a call as sent ({@code userId}, {@code traits.email},
   * {@code context.traits.email}, {@code context.ip}).
   */
  public static Map<String, PiiType> callPaths() {
    Map<String, PiiType> out = new TreeMap<>();
    out.put("userId", PiiType.USER_ID);
    out.put("anonymousId", PiiType.DEVICE_ID);
    out.put("previousId", PiiType.USER_ID);
    TRAIT_FIELDS.forEach(
        (f, t) -> {
          out.put("traits." + f, t);
          out.put("context.traits." + f, t);
        });
    CONTEXT_FIELDS.forEach((f, t) -> out.put("context." + f, t));
    return out;
  }

  /** Per column of {@code clean.events}: the kinds of declared personal data it holds. */
  public static Map<String, Set<PiiType>> eventColumns() {
    Map<String, Set<PiiType>> out = new TreeMap<>();
    EVENT_COLUMNS.forEach((c, t) -> out.put(c, EnumSet.of(t)));
    Set<PiiType> traits = EnumSet.noneOf(PiiType.class);
    traits.addAll(TRAIT_FIELDS.values());
    out.put("traits", traits);
    Set<PiiType> context = EnumSet.copyOf(traits);
    context.addAll(CONTEXT_FIELDS.values());
    out.put("context", context);
    return out;
  }

  private static Map<String, PiiType> ordered(Object... pairs) {
    Map<String, PiiType> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (PiiType) pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
