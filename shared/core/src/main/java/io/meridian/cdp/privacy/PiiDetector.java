package io.meridian.cdp.privacy;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in free text: e-mail addresses, phone numbers (libphonenumber's {@code
 * findNumbers}, numbers without a country code read in the default region), payment card numbers
 * (13–19 digits, optionally grouped by spaces or dashes, Luhn-checked, with a known issuer prefix),
 * IBANs (country length and ISO 13616 mod-97 check), US social security numbers (dashed or spaced,
 * invalid areas, groups and serials excluded), UK national insurance numbers, and IPv4/IPv6
 * addresses. Where two candidates overlap the more specific kind wins (an e-mail over the digits in
 * it, a card over a phone). Thread-safe. docs/PRIVACY.md says what is and is not found.
 */
public final class PiiDetector {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  /** The order in which overlapping candidates are kept: earlier kinds win. */
  private static final List<PiiKind> PRIORITY =
      List.of(
          PiiKind.EMAIL,
          PiiKind.IBAN,
          PiiKind.PAYMENT_CARD,
          PiiKind.US_SSN,
          PiiKind.UK_NINO,
          PiiKind.IP_ADDRESS,
          PiiKind.PHONE);

  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
              + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}"
              + "(?![A-Za-z0-9-]|\\.[A-Za-z0-9])");

  private static final Pattern CARD =
      Pattern.compile("(?<![\\d.,-])\\d(?:[ -]?\\d){12,18}(?![\\d]|[.,-]\\d)");

  private static final Pattern SSN =
      Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])");

  private static final Pattern NINO =
      Pattern.compile(
          "(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
              + " ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D](?![A-Za-z0-9])",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern IPV4 =
      Pattern.compile(
          "(?<![\\w.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?![\\w]|\\.\\d)");

  private static final Pattern IPV6 =
      Pattern.compile(
          "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\\d{1,3}(?:\\.\\d{1,3}){3})?"
              + "(?![\\w:]|\\.\\d)");

  /** Words right before a dotted quad that make it a version, not an address. */
  private static final Pattern VERSION_CONTEXT =
      Pattern.compile(
          "(?i)(?:\\bv|version|\\bver|build|release|firmware|\\bos|sdk|app|agent|"
              + "chrome|firefox|safari|android|ios|/)[\\s:=/]*$");

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?"
              + "(?:Z|[+-]\\d{2}(?::?\\d{2})?)?)?");

  private static final Pattern IBAN_START =
      Pattern.compile("(?<![A-Za-z0-9])[A-Za-z]{2}\\d{2}(?=[ ]?[A-Za-z0-9])");

  /** IBAN lengths by country (ISO 13616 registry). */
  private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths();

  private final String defaultRegion;

  /**
   * @param defaultRegion ISO 3166 region in which phone numbers without a country code are read,
   *     e.g. {@code US}
   * @throws IllegalArgumentException when libphonenumber does not know the region
   */
  public PiiDetector(String defaultRegion) {
    String region = defaultRegion == null ? "" : defaultRegion.toUpperCase(Locale.ROOT);
    if (!PHONES.getSupportedRegions().contains(region)) {
      throw new IllegalArgumentException(
          "unknown phone region '" + defaultRegion + "': use an ISO 3166 code such as US or GB");
    }
    this.defaultRegion = region;
  }

  public String defaultRegion() {
    return defaultRegion;
  }

  /** The personal data in {@code text}, in order of position, without overlaps. */
  public List<PiiMatch> detect(CharSequence text) {
    return detect(text, "");
  }

  /**
   * The personal data in {@code text}; {@code fieldName} (may be empty) is context: a dotted quad
   * in a field whose name says version, build or release is read as a version, not an address.
   */
  public List<PiiMatch> detect(CharSequence text, String fieldName) {
    if (text.length() == 0) {
      return List.of();
    }
    String s = text.toString();
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      }
    }
    if (digits == 0 && s.indexOf('@') < 0 && s.indexOf(':') < 0) {
      return List.of(); // every kind but e-mail and IPv6 has digits
    }
    if (digits >= 8 && TIMESTAMP.matcher(s).matches()) {
      return List.of(); // a value that is one date or timestamp (costly for libphonenumber)
    }
    List<PiiMatch> candidates = new ArrayList<>();
    emails(s, candidates);
    if (digits >= 12) {
      ibans(s, candidates); // the IBAN with fewest digits (the Netherlands) has 12
    }
    if (digits >= 13) {
      cards(s, candidates);
    }
    if (digits >= 9) {
      ssns(s, candidates);
    }
    if (digits >= 6) {
      ninos(s, candidates);
    }
    ips(s, fieldName == null ? "" : fieldName, candidates);
    if (digits >= 7) {
      phones(s, candidates);
    }
    candidates.sort(
        Comparator.comparingInt((PiiMatch m) -> PRIORITY.indexOf(m.kind()))
            .thenComparingInt(PiiMatch::start));
    List<PiiMatch> kept = new ArrayList<>();
    for (PiiMatch c : candidates) {
      if (kept.stream().noneMatch(c::overlaps)) {
        kept.add(c);
      }
    }
    kept.sort(Comparator.comparingInt(PiiMatch::start));
    return List.copyOf(kept);
  }

  private static void emails(String s, List<PiiMatch> out) {
    if (s.indexOf('@') < 0) {
      return;
    }
    Matcher m = EMAIL.matcher(s);
    while (m.find()) {
      out.add(new PiiMatch(PiiKind.EMAIL, m.start(), m.end()));
    }
  }

  private static void cards(String s, List<PiiMatch> out) {
    Matcher m = CARD.matcher(s);
    while (m.find()) {
      String group = m.group();
      if (!consistentGrouping(group)) {
        continue;
      }
      String digits = digitsOf(group);
      if (luhn(digits) && knownIssuer(digits)) {
        out.add(new PiiMatch(PiiKind.PAYMENT_CARD, m.start(), m.end()));
      }
    }
  }

  /** One kind of separator at most, and groups of at least 3 digits (not "1 2 3 4 ..."). */
  private static boolean consistentGrouping(String group) {
    boolean space = group.indexOf(' ') >= 0;
    boolean dash = group.indexOf('-') >= 0;
    if (space && dash) {
      return false;
    }
    if (!space && !dash) {
      return true;
    }
    for (String part : group.split("[ -]")) {
      if (part.length() < 3) {
        return false;
      }
    }
    return true;
  }

  private static String digitsOf(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      }
    }
    return b.toString();
  }

  static boolean luhn(String digits) {
    int sum = 0;
    boolean doubled = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  /**
   * Issuer prefixes and lengths: Visa, Mastercard, American Express, Discover, Diners Club, JCB,
   * UnionPay and the common Maestro ranges.
   */
  static boolean knownIssuer(String d) {
    int len = d.length();
    int p2 = Integer.parseInt(d.substring(0, 2));
    int p3 = Integer.parseInt(d.substring(0, 3));
    int p4 = Integer.parseInt(d.substring(0, 4));
    int p6 = Integer.parseInt(d.substring(0, 6));
    if (d.charAt(0) == '4') {
      return len == 13 || len == 16 || len == 19; // Visa
    }
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
      return len == 16; // Mastercard
    }
    if (p2 == 34 || p2 == 37) {
      return len == 15; // American Express
    }
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) {
      return len >= 16 && len <= 19; // Discover
    }
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 || p4 == 3095) {
      return len >= 14 && len <= 19; // Diners Club
    }
    if (p4 >= 3528 && p4 <= 3589) {
      return len >= 16 && len <= 19; // JCB
    }
    if (p2 == 62) {
      return len >= 16 && len <= 19; // UnionPay
    }
    if (p4 == 5018
        || p4 == 5020
        || p4 == 5038
        || p4 == 5893
        || p4 == 6304
        || p4 == 6759
        || (p4 >= 6761 && p4 <= 6763)) {
      return len >= 13 && len <= 19; // Maestro
    }
    return false;
  }

  private static void ibans(String s, List<PiiMatch> out) {
    Matcher m = IBAN_START.matcher(s);
    while (m.find()) {
      String country = s.substring(m.start(), m.start() + 2).toUpperCase(Locale.ROOT);
      Integer length = IBAN_LENGTHS.get(country);
      if (length == null) {
        continue;
      }
      // Collect `length` alphanumerics, allowing single spaces between them.
      StringBuilder iban = new StringBuilder(length);
      int i = m.start();
      while (i < s.length() && iban.length() < length) {
        char c = s.charAt(i);
        if (Character.isLetterOrDigit(c) && c < 128) {
          iban.append(Character.toUpperCase(c));
          i++;
        } else if (c == ' '
            && iban.length() > 0
            && i + 1 < s.length()
            && Character.isLetterOrDigit(s.charAt(i + 1))) {
          i++;
        } else {
          break;
        }
      }
      boolean endsAtBoundary = i >= s.length() || !Character.isLetterOrDigit(s.charAt(i));
      if (iban.length() == length && endsAtBoundary && mod97(iban)) {
        out.add(new PiiMatch(PiiKind.IBAN, m.start(), i));
      }
    }
  }

  /** ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1. */
  static boolean mod97(CharSequence iban) {
    String rearranged = iban.subSequence(4, iban.length()).toString() + iban.subSequence(0, 4);
    int remainder = 0;
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
        remainder = (remainder * 10 + v) % 97;
      } else if (c >= 'A' && c <= 'Z') {
        v = c - 'A' + 10;
        remainder = (remainder * 100 + v) % 97;
      } else {
        return false;
      }
    }
    return remainder == 1;
  }

  private static void ssns(String s, List<PiiMatch> out) {
    Matcher m = SSN.matcher(s);
    while (m.find()) {
      int area = Integer.parseInt(m.group(1));
      int group = Integer.parseInt(m.group(3));
      int serial = Integer.parseInt(m.group(4));
      String whole = m.group(1) + m.group(3) + m.group(4);
      boolean invalid =
          area == 0
              || area == 666
              || area >= 900
              || group == 0
              || serial == 0
              // Numbers printed on sample cards and in advertising, never issued to a person.
              || whole.equals("078051120")
              || whole.equals("219099999");
      if (!invalid) {
        out.add(new PiiMatch(PiiKind.US_SSN, m.start(), m.end()));
      }
    }
  }

  private static void ninos(String s, List<PiiMatch> out) {
    Matcher m = NINO.matcher(s);
    while (m.find()) {
      String prefix = m.group(1).toUpperCase(Locale.ROOT);
      // Prefixes never allocated (HMRC NIM39110).
      if (List.of("BG", "GB", "NK", "KN", "TN", "NT", "ZZ").contains(prefix)) {
        continue;
      }
      out.add(new PiiMatch(PiiKind.UK_NINO, m.start(), m.end()));
    }
  }

  private static void ips(String s, String fieldName, List<PiiMatch> out) {
    if (s.indexOf('.') >= 0) {
      boolean versionField =
          fieldName.toLowerCase(Locale.ROOT).matches(".*(version|build|release|ver$).*");
      Matcher m = IPV4.matcher(s);
      while (m.find()) {
        if (versionField
            || !ipv4Octets(m)
            || VERSION_CONTEXT
                .matcher(s.substring(Math.max(0, m.start() - 16), m.start()))
                .find()) {
          continue;
        }
        out.add(new PiiMatch(PiiKind.IP_ADDRESS, m.start(), m.end()));
      }
    }
    if (s.indexOf(':') >= 0) {
      Matcher m = IPV6.matcher(s);
      while (m.find()) {
        if (validIpv6(m.group())) {
          out.add(new PiiMatch(PiiKind.IP_ADDRESS, m.start(), m.end()));
        }
      }
    }
  }

  /** Octets of at most 255, without leading zeros. */
  private static boolean ipv4Octets(Matcher m) {
    for (int g = 1; g <= 4; g++) {
      String octet = m.group(g);
      if ((octet.length() > 1 && octet.charAt(0) == '0') || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 text form: 8 groups of 1–4 hex digits, or fewer with one "::", optional IPv4 tail. */
  static boolean validIpv6(String s) {
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    if (s.equals("::")) {
      return false; // the unspecified address says nothing about anyone
    }
    String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
    String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
    int groups = 0;
    for (int side = 0; side < 2; side++) {
      String part = side == 0 ? head : tail;
      if (part.isEmpty()) {
        continue;
      }
      // An IPv4 tail may only close the whole address.
      boolean closesAddress = side == 1 || doubleColon < 0;
      String[] pieces = part.split(":", -1);
      for (int i = 0; i < pieces.length; i++) {
        String p = pieces[i];
        boolean last = closesAddress && i == pieces.length - 1;
        if (last && p.indexOf('.') >= 0) {
          if (!p.matches(
              "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) {
            return false;
          }
          groups += 2;
        } else if (p.matches("[0-9A-Fa-f]{1,4}")) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return doubleColon >= 0 ? groups <= 7 : groups == 8;
  }

  private void phones(String s, List<PiiMatch> out) {
    for (PhoneNumberMatch m :
        PHONES.findNumbers(s, defaultRegion, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
      if (!partOfDottedNumber(s, m.start(), m.end())) {
        out.add(new PiiMatch(PiiKind.PHONE, m.start(), m.end()));
      }
    }
  }

  /**
   * Digits right after a slash ({@code Chrome/121.0.4820.109}) or glued to a dotted number are a
   * version or a path, not a phone number.
   */
  private static boolean partOfDottedNumber(String s, int start, int end) {
    boolean before =
        start >= 1
            && (s.charAt(start - 1) == '/'
                || (start >= 2
                    && s.charAt(start - 1) == '.'
                    && Character.isDigit(s.charAt(start - 2))));
    boolean after =
        end + 1 < s.length() && s.charAt(end) == '.' && Character.isDigit(s.charAt(end + 1));
    return before || after;
  }

  private static Map<String, Integer> ibanLengths() {
    String table =
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18"
            + " DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22"
            + " IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22"
            + " MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24"
            + " SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20";
    Map<String, Integer> lengths = new java.util.HashMap<>();
    for (String entry : table.split(" ")) {
      lengths.put(entry.substring(0, 2), Integer.parseInt(entry.substring(2)));
    }
    return Map.copyOf(lengths);
  }
}
