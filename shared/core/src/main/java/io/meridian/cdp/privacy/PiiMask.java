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
}
