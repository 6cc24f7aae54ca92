package io.meridian.cdp.event;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 parsing with the results of {@link OffsetDateTime#parse(CharSequence)} and {@link
 * Instant#parse(CharSequence)}, but without their formatter machinery for the one shape clients and
 * our own encoder send: {@code yyyy-MM-ddTHH:mm:ss[.f…]} followed by {@code Z} or {@code ±HH:MM}.
 * Text of any other shape, or with an out-of-range field, goes to java.time, which decides (and
 * explains) as before.
 */
public final class Timestamps {
  private static final int[] DAYS_IN_MONTH = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private Timestamps() {}

  /**
   * Same result as {@link OffsetDateTime#parse(CharSequence)}.
   *
   * @throws DateTimeParseException when the text is not an ISO-8601 date-time with offset
   */
  public static OffsetDateTime parseOffsetDateTime(String text) {
    long[] f = fields(text, true);
    if (f == null) {
      return OffsetDateTime.parse(text);
    }
    return OffsetDateTime.of(
        (int) f[0],
        (int) f[1],
        (int) f[2],
        (int) f[3],
        (int) f[4],
        (int) f[5],
        (int) f[6],
        ZoneOffset.ofTotalSeconds((int) f[7]));
  }

  /**
   * Same result as {@code parseOffsetDateTime(text).toInstant()}, without the intermediate
   * date-time for the common shape.
   *
   * @throws DateTimeParseException when the text is not an ISO-8601 date-time with offset
   */
  public static Instant parseOffsetInstant(String text) {
    Instant instant = parseCommonShape(text);
    return instant != null ? instant : OffsetDateTime.parse(text).toInstant();
  }

  /**
   * The instant of a date-time of the common shape ({@link #isCommonShape}), as {@link
   * #parseOffsetInstant} reads it, or null when the text has another shape.
   */
  public static Instant parseCommonShape(String text) {
    long[] f = fields(text, true);
    if (f == null) {
      return null;
    }
    long epochDay = LocalDate.of((int) f[0], (int) f[1], (int) f[2]).toEpochDay();
    return Instant.ofEpochSecond(
        epochDay * 86_400L + f[3] * 3_600L + f[4] * 60L + f[5] - f[7], f[6]);
  }

  /**
   * {@link #parseCommonShape(String)} of the text {@code b[start..stop)}, read as ISO-8859-1 (one
   * char per byte, as the text of ASCII bytes), without making that String.
   */
  public static Instant parseCommonShape(byte[] b, int start, int stop) {
    int n = stop - start;
    if (n < 20
        || b[start + 4] != '-'
        || b[start + 7] != '-'
        || b[start + 10] != 'T'
        || b[start + 13] != ':'
        || b[start + 16] != ':') {
      return null;
    }
    int year = digits(b, start, 4);
    int month = digits(b, start + 5, 2);
    int day = digits(b, start + 8, 2);
    int hour = digits(b, start + 11, 2);
    int minute = digits(b, start + 14, 2);
    int second = digits(b, start + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
      return null;
    }
    if (minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    if (day > DAYS_IN_MONTH[month] || (month == 2 && day == 29 && !isLeap(year))) {
      return null;
    }
    int i = start + 19;
    int nano = 0;
    if (b[i] == '.') {
      int first = ++i;
      while (i < stop && i - first < 10 && b[i] >= '0' && b[i] <= '9') {
        nano = nano * 10 + (b[i] - '0');
        i++;
      }
      int count = i - first;
      if (count == 0 || count > 9) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nano *= 10;
      }
    }
    int offset;
    if (i == stop - 1 && b[i] == 'Z') {
      offset = 0;
    } else if (i == stop - 6 && b[i + 3] == ':') {
      byte sign = b[i];
      int oh = digits(b, i + 1, 2);
      int om = digits(b, i + 4, 2);
      if ((sign != '+' && sign != '-') || oh < 0 || oh > 14 || om < 0 || om > 59) {
        return null;
      }
      offset = (sign == '-' ? -1 : 1) * (oh * 3_600 + om * 60);
    } else {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(
        epochDay * 86_400L + hour * 3_600L + minute * 60L + second - offset, nano);
  }

  /**
   * Same result as {@link Instant#parse(CharSequence)}.
   *
   * @throws DateTimeParseException when the text is not an ISO-8601 instant
   */
  public static Instant parseInstant(String text) {
    long[] f = fields(text, false);
    if (f == null) {
      return Instant.parse(text);
    }
    long epochDay = LocalDate.of((int) f[0], (int) f[1], (int) f[2]).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400L + f[3] * 3_600L + f[4] * 60L + f[5], f[6]);
  }

  /**
   * Whether {@code text} has the common shape with every field in range, which {@link
   * #parseOffsetDateTime} then parses without java.time's formatter. A date-time of this shape is
   * also a valid RFC 3339 {@code date-time}.
   */
  public static boolean isCommonShape(String text) {
    return fields(text, true) != null;
  }

  /**
   * {year, month, day, hour, minute, second, nano, offset seconds} of the common shape, or null
   * when the text has another shape or a field out of range (leap seconds, 24:00, lower case, years
   * beyond four digits, offsets of 15 hours or more …).
   */
  private static long[] fields(String s, boolean offsetAllowed) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
      return null;
    }
    if (minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    if (day > DAYS_IN_MONTH[month] || (month == 2 && day == 29 && !isLeap(year))) {
      return null;
    }
    int i = 19;
    int nano = 0;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && i - start < 10 && isDigit(s.charAt(i))) {
        nano = nano * 10 + (s.charAt(i) - '0');
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return null;
      }
      for (int k = count; k < 9; k++) {
        nano *= 10;
      }
    }
    int offset;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offset = 0;
    } else if (offsetAllowed && i == n - 6 && s.charAt(i + 3) == ':') {
      char sign = s.charAt(i);
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if ((sign != '+' && sign != '-') || oh < 0 || oh > 14 || om < 0 || om > 59) {
        return null;
      }
      offset = (sign == '-' ? -1 : 1) * (oh * 3_600 + om * 60);
    } else {
      return null;
    }
    return new long[] {year, month, day, hour, minute, second, nano, offset};
  }

  private static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The non-negative number of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(byte[] b, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      byte c = b[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** The non-negative number of {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
