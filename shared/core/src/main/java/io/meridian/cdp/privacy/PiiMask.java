package io.meridian.cdp.privacy;

/** Masked forms of detected values that reveal the kind and shape, never the value. */
final class PiiMask {
  private PiiMask() {}

  /**
   * {@code alice@example.com} becomes {@code a***@e***.com}; anything else keeps its first and last
   * character ({@code 4***1}), and values of up to four characters become {@code ***}.
   */
  static String mask(PiiKind kind, String value) {
    if (kind == PiiKind.EMAIL) {
      int at = value.lastIndexOf('@');
      int dot = value.lastIndexOf('.');
      if (at > 0 && dot > at + 1) {
        return value.charAt(0) + "***@" + value.charAt(at + 1) + "***" + value.substring(dot);
      }
    }
    if (value.length() <= 4) {
      return "***";
    }
    return value.charAt(0) + "***" + value.charAt(value.length() - 1);
  }

  /**
   * An IP address reduced to its network: the last octet of an IPv4 address zeroed ({@code
   * 203.0.113.0}), an IPv6 address cut to its first three groups ({@code 2001:db8:85a3::}); what is
   * not an address is masked like any value.
   */
  static String maskIp(String value) {
    String v = value.strip();
    if (v.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return v.substring(0, v.lastIndexOf('.')) + ".0";
    }
    if (v.indexOf(':') >= 0 && v.matches("[0-9A-Fa-f:.]+")) {
      String[] groups = v.split(":", -1);
      StringBuilder b = new StringBuilder();
      int kept = 0;
      for (String g : groups) {
        if (g.isEmpty() || kept == 3) {
          break;
        }
        b.append(g).append(':');
        kept++;
      }
      return b.append(':').toString();
    }
    return mask(null, value);
  }
}
