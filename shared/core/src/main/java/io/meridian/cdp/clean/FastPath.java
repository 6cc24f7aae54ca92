package io.meridian.cdp.clean;

import io.meridian.cdp.event.Limits;
import io.meridian.cdp.event.Timestamps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * The common raw line converted in one pass over its bytes, without the String, tree, validator and
 * serializer of the general path: the envelope is read, its payload unescaped into a reused buffer,
 * and the call scanned once, checking exactly what the general path checks and writing the JSON
 * columns in the compact form Jackson would write them (the object text itself where that is
 * already compact; whitespace dropped, floats and escapes Jackson writes otherwise rewritten,
 * emails and phones normalized in place).
 *
 * <p>It answers only when it is sure: the row it returns is the row the general path (envelope
 * codec, Jackson tree, {@link io.meridian.cdp.event.CallMerger}, {@link
 * io.meridian.cdp.event.SegmentCallValidator}, {@link EventNormalizer}) produces for the line, and
 * for anything else (an invalid call, a batch with more than a sentAt, an escaped key or top-level
 * field, a float id, a lone surrogate escape, an object of many keys, deep nesting, ...) it returns
 * null and the caller takes the general path, which decides and words the outcome. {@code
 * FastPathTest} compares both on varied input.
 *
 * <p>Rows hold the text columns as UTF-8 {@code byte[]} (fresh arrays, never reused), except {@code
 * source}, {@code message_id} and {@code type}, which are Strings. Not thread-safe.
 */
final class FastPath {
  /** Thrown (preallocated, without stack trace) when the line needs the general path. */
  private static final class Bail extends RuntimeException {
    Bail() {
      super(null, null, false, false);
    }
  }

  private static final Bail BAIL = new Bail();

  /** The bytes a JSON string cannot hold as they are: quote, backslash, control characters. */
  private static final boolean[] SPECIAL = new boolean[256];

  static {
    for (int c = 0; c < 0x20; c++) {
      SPECIAL[c] = true;
    }
    SPECIAL['"'] = true;
    SPECIAL['\\'] = true;
  }

  /** Eight bytes of a byte array at a time, little-endian (the first byte is the lowest). */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * The {@link #SPECIAL} bytes among eight (SWAR): the high bit of each byte that is a quote, a
   * backslash or a control character is set; bytes above the lowest such byte may be marked falsely
   * (borrows), so only the lowest mark is meaningful.
   */
  static long specials(long x) {
    long quote = x ^ 0x2222222222222222L;
    long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
    return ((quote - ONES) & ~quote
            | (backslash - ONES) & ~backslash
            | (x - 0x2020202020202020L) & ~x)
        & HIGH_BITS;
  }

  /** Objects with more keys go the general path (whose limit is far above). */
  static final int MAX_KEYS = 64;

  /** Containers nested deeper go the general path (whose limit is {@link Limits#MAX_DEPTH}). */
  static final int MAX_DEPTH = Limits.MAX_DEPTH - 2;

  /** Longer numbers go the general path (Jackson's limit is 100 characters). */
  private static final int MAX_NUMBER_LENGTH = 40;

  private static final String[] TYPES = {"identify", "track", "page", "screen", "group", "alias"};
  private static final byte[][] TYPE_BYTES = bytes(TYPES);
  private static final int T_TRACK = 1;
  private static final int T_GROUP = 4;
  private static final int T_ALIAS = 5;

  // Top-level keys of a call the scan treats specially.
  private static final String[] KEYS = {
    "type",
    "messageId",
    "userId",
    "anonymousId",
    "groupId",
    "previousId",
    "event",
    "name",
    "category",
    "channel",
    "version",
    "timestamp",
    "originalTimestamp",
    "sentAt",
    "receivedAt",
    "context",
    "traits",
    "properties",
    "integrations"
  };
  private static final KeyTable KEY_TABLE = new KeyTable(KEYS);
  private static final int K_TYPE = 0;
  private static final int K_MESSAGE_ID = 1;
  private static final int K_USER_ID = 2;
  private static final int K_ANONYMOUS_ID = 3;
  private static final int K_GROUP_ID = 4;
  private static final int K_PREVIOUS_ID = 5;
  private static final int K_EVENT = 6;
  private static final int K_NAME = 7;
  private static final int K_CATEGORY = 8;
  private static final int K_CHANNEL = 9;
  private static final int K_VERSION = 10;
  private static final int K_TIMESTAMP = 11;
  private static final int K_ORIGINAL_TIMESTAMP = 12;
  private static final int K_SENT_AT = 13;
  private static final int K_RECEIVED_AT = 14;
  private static final int K_CONTEXT = 15;
  private static final int K_TRAITS = 16;
  private static final int K_PROPERTIES = 17;
  private static final int K_INTEGRATIONS = 18;
  private static final int KEY_COUNT = KEYS.length;

  private static final String[] ENVELOPE_KEYS = {
    "v", "tenant", "source", "messageId", "type", "receivedAt", "requestId", "batch", "payload"
  };
  private static final KeyTable ENVELOPE_KEY_TABLE = new KeyTable(ENVELOPE_KEYS);
  private static final int E_V = 0;
  private static final int E_TENANT = 1;
  private static final int E_SOURCE = 2;
  private static final int E_MESSAGE_ID = 3;
  private static final int E_TYPE = 4;
  private static final int E_RECEIVED_AT = 5;
  private static final int E_REQUEST_ID = 6;
  private static final int E_BATCH = 7;
  private static final int E_PAYLOAD = 8;

  // The batch field's only shape on the fast path, as it appears escaped in the envelope line.
  private static final byte[] BATCH_PREFIX = ascii("{\\\"sentAt\\\":");
  private static final byte[] BATCH_NULL_SUFFIX = ascii("null}\"");
  private static final byte[] BATCH_QUOTE = ascii("\\\"");
  private static final byte[] BATCH_STRING_SUFFIX = ascii("\\\"}\"");
  private static final int BATCH_OTHER = 0;
  private static final int BATCH_NULL = 1;
  private static final int BATCH_STRING = 2;

  private static final byte[] EMAIL = ascii("email");
  private static final byte[] PHONE = ascii("phone");
  private static final byte[] IP = ascii("ip");
  private static final byte[] TRAITS = ascii("traits");
  private static final byte[] EXTERNAL_IDS = ascii("externalIds");
  private static final byte[][] TRAIT_STRINGS = bytes("name", "firstName", "lastName");

  // What an object's keys mean to the scan.
  private static final int PLAIN = 0;
  private static final int CONTEXT = 1;

  /** {@code traits}: contact fields normalized, and the schema's string fields checked. */
  private static final int TRAITS_CHECKED = 2;

  /** {@code context.traits}: contact fields normalized. */
  private static final int TRAITS_NORMALIZED = 3;

  // Kinds of scalar values.
  private static final int ABSENT = 0;
  private static final int NULL = 1;
  private static final int STRING = 2;
  private static final int INTEGER = 3;
  private static final int OTHER = 4;

  private final String defaultRegion;

  // The envelope line.
  private byte[] line;
  private int lineEnd;
  private boolean lineAscii;
  private final int[] envStart = new int[ENVELOPE_KEYS.length];
  private final int[] envEnd = new int[ENVELOPE_KEYS.length];
  private int batchSentAt;
  private int batchSentAtStart;
  private int batchSentAtEnd;
  private String lastSource;
  private byte[] lastReceivedAtText = new byte[0];
  private Instant lastReceivedAt;

  // The payload, unescaped, and the scan over it.
  private byte[] in = new byte[4096];
  private int end;
  private int pos;
  private boolean ascii;
  private boolean stringEscaped;

  /** Whether the last string has escapes that Jackson writes otherwise. */
  private boolean stringRewrite;

  // Compact JSON written by the scan; top-level object fields are ranges of it. The text from
  // verbatim up to pos is written as it is, when it ends or before what is written instead;
  // verbatim is -1 when nothing is written (the top level of the call).
  private byte[] out = new byte[4096];
  private int outLength;
  private int verbatim;

  // Keys of the open objects, as ranges of the payload, for duplicate detection.
  private int[] keyStarts = new int[256];
  private int[] keyEnds = new int[256];
  private int keyTop;

  // The call's top-level fields: kind, then value range (payload for scalars, out for objects).
  private final int[] kind = new int[KEY_COUNT];
  private final int[] valueStart = new int[KEY_COUNT];
  private final int[] valueEnd = new int[KEY_COUNT];

  // The date-time parsed last in this call, as a range of the payload.
  private Instant lastDate;
  private int lastDateStart;
  private int lastDateEnd;

  FastPath(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  /**
   * The clean row of one raw line, or null when the line needs the general path.
   *
   * @param ascii whether the line is all ASCII (known from splitting it)
   */
  Object[] convert(byte[] bytes, int offset, int length, boolean ascii) {
    try {
      return convertOrBail(bytes, offset, length, ascii);
    } catch (Bail b) {
      return null;
    }
  }

  private Object[] convertOrBail(byte[] bytes, int offset, int length, boolean asciiLine) {
    if (!asciiLine && !Utf8.isValid(bytes, offset, offset + length)) {
      throw BAIL;
    }
    line = bytes;
    lineEnd = offset + length;
    lineAscii = asciiLine;
    readEnvelope(offset);
    Instant receivedAt = receivedAt();
    String source = source();
    String messageId = envelopeText(E_MESSAGE_ID);
    if (end > Limits.MAX_EVENT_BYTES) {
      throw BAIL;
    }
    scanCall();
    return row(source, messageId, receivedAt);
  }

  // ---------------------------------------------------------------- envelope

  /** Reads the envelope's fields as ranges of the line; anything unusual bails. */
  private void readEnvelope(int offset) {
    Arrays.fill(envStart, -1);
    batchSentAt = BATCH_OTHER;
    int i = skipWs(line, offset, lineEnd);
    if (i >= lineEnd || line[i] != '{') {
      throw BAIL;
    }
    i = skipWs(line, i + 1, lineEnd);
    if (i < lineEnd && line[i] == '}') {
      throw BAIL;
    }
    while (true) {
      if (i >= lineEnd || line[i] != '"') {
        throw BAIL;
      }
      int keyStart = i + 1;
      int keyEnd = keyStart;
      while (keyEnd < lineEnd && line[keyEnd] != '"' && line[keyEnd] != '\\') {
        keyEnd++;
      }
      if (keyEnd >= lineEnd || line[keyEnd] != '"') {
        throw BAIL;
      }
      int key = ENVELOPE_KEY_TABLE.find(line, keyStart, keyEnd);
      if (key < 0) {
        throw BAIL;
      }
      i = skipWs(line, keyEnd + 1, lineEnd);
      if (i >= lineEnd || line[i] != ':') {
        throw BAIL;
      }
      i = skipWs(line, i + 1, lineEnd);
      if (i >= lineEnd) {
        throw BAIL;
      }
      byte c = line[i];
      if (key == E_V) {
        if (c != '1' || i + 1 >= lineEnd || isNumberChar(line[i + 1])) {
          throw BAIL;
        }
        envStart[key] = i;
        i++;
      } else if (c == '"' && key == E_BATCH) {
        envStart[key] = i;
        i = batch(i + 1);
      } else if (c == '"' && key == E_PAYLOAD) {
        envStart[key] = i;
        i = unescapePayload(i + 1);
      } else if (c == '"') {
        int start = i + 1;
        int j = start;
        while (true) {
          if (j >= lineEnd) {
            throw BAIL;
          }
          byte b = line[j];
          if (b == '"') {
            break;
          }
          if (b == '\\' || (b >= 0 && b < 0x20)) {
            throw BAIL; // only the payload's escapes are decoded (and checked)
          }
          j++;
        }
        envStart[key] = start;
        envEnd[key] = j;
        i = j + 1;
      } else if (c == 'n'
          && i + 4 <= lineEnd
          && line[i + 1] == 'u'
          && line[i + 2] == 'l'
          && line[i + 3] == 'l') {
        envStart[key] = -1;
        i += 4;
      } else {
        throw BAIL;
      }
      i = skipWs(line, i, lineEnd);
      if (i >= lineEnd) {
        throw BAIL;
      }
      if (line[i] == ',') {
        i = skipWs(line, i + 1, lineEnd);
      } else if (line[i] == '}') {
        break;
      } else {
        throw BAIL;
      }
    }
    if (skipWs(line, i + 1, lineEnd) != lineEnd) {
      throw BAIL;
    }
    if (envStart[E_V] < 0
        || envStart[E_TENANT] < 0
        || envStart[E_SOURCE] < 0
        || envStart[E_MESSAGE_ID] < 0
        || envStart[E_RECEIVED_AT] < 0
        || envStart[E_PAYLOAD] < 0
        || (envStart[E_BATCH] >= 0 && batchSentAt == BATCH_OTHER)) {
      throw BAIL;
    }
  }

  /**
   * Reads the envelope's batch field from {@code from} (after its opening quote) and returns the
   * index after its closing quote. The fast path handles one batch shape, the one of SDKs that send
   * only {@code sentAt} at the batch level: {@code {"sentAt":"<date-time>"}} or {@code
   * {"sentAt":null}}, escaped as the envelope codec escapes it; any other batch bails.
   */
  private int batch(int from) {
    batchSentAt = BATCH_OTHER;
    int i = from;
    if (!startsWith(line, i, lineEnd, BATCH_PREFIX)) {
      throw BAIL;
    }
    i += BATCH_PREFIX.length;
    if (startsWith(line, i, lineEnd, BATCH_NULL_SUFFIX)) {
      batchSentAt = BATCH_NULL;
      return i + BATCH_NULL_SUFFIX.length;
    }
    if (!startsWith(line, i, lineEnd, BATCH_QUOTE)) {
      throw BAIL;
    }
    i += BATCH_QUOTE.length;
    int start = i;
    while (i < lineEnd && line[i] != '\\' && line[i] != '"') {
      if (line[i] >= 0 && line[i] < 0x20) {
        throw BAIL; // an unescaped control character: not JSON
      }
      i++;
    }
    if (!startsWith(line, i, lineEnd, BATCH_STRING_SUFFIX)) {
      throw BAIL;
    }
    batchSentAtStart = start;
    batchSentAtEnd = i;
    batchSentAt = BATCH_STRING;
    return i + BATCH_STRING_SUFFIX.length;
  }

  private static boolean startsWith(byte[] b, int at, int stop, byte[] prefix) {
    return at + prefix.length <= stop
        && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
  }

  /** An envelope string field without escapes, as text. */
  private String envelopeText(int key) {
    return text(line, envStart[key], envEnd[key], lineAscii);
  }

  private String source() {
    int start = envStart[E_SOURCE];
    int length = envEnd[E_SOURCE] - start;
    String last = lastSource;
    if (last != null && last.length() == length && lineAscii) {
      boolean same = true;
      for (int k = 0; k < length; k++) {
        if (last.charAt(k) != line[start + k]) {
          same = false;
          break;
        }
      }
      if (same) {
        return last;
      }
    }
    lastSource = text(line, start, start + length, lineAscii);
    return lastSource;
  }

  /** The envelope's receipt time; consecutive lines often share it, so the last one is kept. */
  private Instant receivedAt() {
    int start = envStart[E_RECEIVED_AT];
    int stop = envEnd[E_RECEIVED_AT];
    if (lastReceivedAt != null
        && Arrays.equals(lastReceivedAtText, 0, lastReceivedAtText.length, line, start, stop)) {
      return lastReceivedAt;
    }
    try {
      lastReceivedAt = Timestamps.parseInstant(text(line, start, stop, lineAscii));
    } catch (DateTimeParseException e) {
      throw BAIL;
    }
    lastReceivedAtText = Arrays.copyOfRange(line, start, stop);
    return lastReceivedAt;
  }

  /**
   * Unescapes the payload string's content, from {@code from} (after the opening quote), into
   * {@link #in}; returns the index after the closing quote. An escape of a character beyond ASCII
   * bails (the general path pairs surrogates and replaces lone ones).
   */
  private int unescapePayload(int from) {
    byte[] l = line;
    int stop = lineEnd;
    // 8 bytes of slack: runs of plain bytes are copied 8 at a time, possibly past their end.
    if (in.length < stop - from + 8) {
      in = new byte[Math.max(stop - from + 8, 2 * in.length)];
    }
    byte[] b = in;
    int n = 0;
    int i = from;
    while (true) {
      if (i + 8 <= stop) {
        long x = (long) LONGS.get(l, i);
        long m = specials(x);
        LONGS.set(b, n, x);
        if (m == 0) {
          i += 8;
          n += 8;
          continue;
        }
        int k = Long.numberOfTrailingZeros(m) >>> 3;
        i += k;
        n += k;
      } else {
        if (i >= stop) {
          throw BAIL;
        }
        byte c = l[i];
        if (!SPECIAL[c & 0xff]) {
          b[n++] = c;
          i++;
          continue;
        }
      }
      byte c = l[i];
      if (c == '"') {
        break;
      }
      if (c != '\\') {
        throw BAIL; // an unescaped control character: not JSON
      }
      if (++i >= stop) {
        throw BAIL;
      }
      byte e = l[i++];
      switch (e) {
        case '"', '\\', '/' -> b[n++] = e;
        case 'n' -> b[n++] = '\n';
        case 't' -> b[n++] = '\t';
        case 'r' -> b[n++] = '\r';
        case 'b' -> b[n++] = '\b';
        case 'f' -> b[n++] = '\f';
        case 'u' -> {
          if (i + 4 > stop) {
            throw BAIL;
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int h = hex(l[i + k]);
            if (h < 0) {
              throw BAIL;
            }
            v = v << 4 | h;
          }
          if (v >= 0x80) {
            throw BAIL;
          }
          b[n++] = (byte) v;
          i += 4;
        }
        default -> throw BAIL;
      }
    }
    end = n;
    ascii = lineAscii;
    return i + 1;
  }

  // ---------------------------------------------------------------- the call

  private void scanCall() {
    Arrays.fill(kind, ABSENT);
    outLength = 0;
    keyTop = 0;
    verbatim = -1;
    pos = skipWs(in, 0, end);
    if (pos >= end || in[pos] != '{') {
      throw BAIL;
    }
    pos++;
    int keysBase = keyTop;
    int keys = 0;
    pos = skipWs(in, pos, end);
    if (peek() == '}') {
      throw BAIL; // an empty call has no type
    }
    while (true) {
      int keyStart = key(keysBase, ++keys);
      int keyEnd = pos - 1;
      colon();
      int k = KEY_TABLE.find(in, keyStart, keyEnd);
      if (k < 0) {
        value(2, PLAIN); // checked, not written: verbatim is -1
      } else {
        topLevelValue(k);
      }
      pos = skipWs(in, pos, end);
      byte c = peek();
      pos++;
      if (c == '}') {
        break;
      }
      if (c != ',') {
        throw BAIL;
      }
      pos = skipWs(in, pos, end);
    }
    keyTop = keysBase;
    if (skipWs(in, pos, end) != end) {
      throw BAIL;
    }
  }

  private void topLevelValue(int k) {
    byte c = peek();
    if (c == 'n') {
      literal(NULL_BYTES);
      kind[k] = NULL;
      if (k == K_EVENT || k == K_TYPE) {
        throw BAIL; // must be strings
      }
      return;
    }
    switch (k) {
      case K_CONTEXT, K_TRAITS, K_PROPERTIES, K_INTEGRATIONS -> {
        if (c != '{') {
          throw BAIL;
        }
        int start = outLength;
        verbatim = pos;
        object(2, k == K_CONTEXT ? CONTEXT : k == K_TRAITS ? TRAITS_CHECKED : PLAIN);
        write(in, verbatim, pos);
        verbatim = -1;
        kind[k] = OTHER;
        valueStart[k] = start;
        valueEnd[k] = outLength;
      }
      case K_VERSION -> {
        if (c == '"') {
          stringValue(k, false);
        } else if (isNumberStart(c)) {
          if (number(false)) {
            throw BAIL; // not integral
          }
          kind[k] = INTEGER;
        } else {
          throw BAIL;
        }
      }
      case K_CHANNEL -> {
        if (c != '"') {
          throw BAIL;
        }
        stringValue(k, false);
      }
      case K_USER_ID, K_ANONYMOUS_ID, K_GROUP_ID, K_PREVIOUS_ID -> {
        if (c == '"') {
          stringValue(k, true);
          checkLength(k, 0, 255);
        } else if (isNumberStart(c)) {
          int start = pos;
          if (number(false)) {
            throw BAIL; // a float id: the general path writes its decimal text
          }
          kind[k] = INTEGER;
          valueStart[k] = start;
          valueEnd[k] = pos;
        } else {
          throw BAIL;
        }
      }
      default -> {
        if (c != '"') {
          throw BAIL;
        }
        stringValue(k, true);
        switch (k) {
          case K_MESSAGE_ID -> checkLength(k, 1, Limits.MAX_MESSAGE_ID_LENGTH);
          case K_EVENT -> checkLength(k, 1, 200);
          case K_NAME, K_CATEGORY -> checkLength(k, 0, 200);
          case K_TIMESTAMP, K_ORIGINAL_TIMESTAMP, K_SENT_AT, K_RECEIVED_AT ->
              checkLength(k, 20, 64);
          default -> {}
        }
      }
    }
  }

  /** A string value of a top-level field; {@code verbatim}: without escapes, else bails. */
  private void stringValue(int k, boolean verbatim) {
    int start = string();
    if (verbatim && stringEscaped) {
      throw BAIL;
    }
    kind[k] = STRING;
    valueStart[k] = start;
    valueEnd[k] = pos - 1;
  }

  /** Bails unless the string's length in UTF-16 chars surely lies within the bounds. */
  private void checkLength(int k, int min, int max) {
    int chars = chars(in, valueStart[k], valueEnd[k], ascii);
    if (chars < min || chars > max) {
      throw BAIL;
    }
  }

  // ---------------------------------------------------------------- JSON

  private static final byte[] NULL_BYTES = ascii("null");
  private static final byte[] TRUE_BYTES = ascii("true");
  private static final byte[] FALSE_BYTES = ascii("false");

  /** Scans any value at {@link #pos}, writing its compact form. */
  private void value(int depth, int scope) {
    byte c = peek();
    switch (c) {
      case '{' -> object(depth, scope);
      case '[' -> array(depth);
      case '"' -> {
        int start = string();
        if (stringRewrite && verbatim >= 0) {
          rewriteString(start, pos - 1);
        }
      }
      case 't' -> literal(TRUE_BYTES);
      case 'f' -> literal(FALSE_BYTES);
      case 'n' -> literal(NULL_BYTES);
      default -> {
        if (!isNumberStart(c)) {
          throw BAIL;
        }
        int start = pos;
        if (number(true)) {
          decimal(start, pos);
        }
      }
    }
  }

  private void object(int depth, int scope) {
    if (depth > MAX_DEPTH) {
      throw BAIL;
    }
    pos++; // '{'
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return;
    }
    int keysBase = keyTop;
    int keys = 0;
    while (true) {
      int keyStart = key(keysBase, ++keys);
      int keyEnd = pos - 1;
      colon();
      switch (scope) {
        case PLAIN -> value(depth + 1, PLAIN);
        case CONTEXT -> contextValue(depth, keyStart, keyEnd);
        default -> traitValue(depth, scope, keyStart, keyEnd);
      }
      skipWhitespace();
      byte c = peek();
      pos++;
      if (c == '}') {
        break;
      }
      if (c != ',') {
        throw BAIL;
      }
      skipWhitespace();
    }
    keyTop = keysBase;
  }

  /** A value of {@code context}: ip a string, traits an object, externalIds an array, or null. */
  private void contextValue(int depth, int keyStart, int keyEnd) {
    byte c = peek();
    if (c != 'n') {
      if (same(IP, keyStart, keyEnd) && c != '"') {
        throw BAIL;
      }
      if (same(EXTERNAL_IDS, keyStart, keyEnd) && c != '[') {
        throw BAIL;
      }
      if (same(TRAITS, keyStart, keyEnd)) {
        if (c != '{') {
          throw BAIL;
        }
        object(depth + 1, TRAITS_NORMALIZED);
        return;
      }
    }
    value(depth + 1, PLAIN);
  }

  /** A value of {@code traits} or {@code context.traits}: emails and phones normalized. */
  private void traitValue(int depth, int scope, int keyStart, int keyEnd) {
    byte c = peek();
    boolean email = same(EMAIL, keyStart, keyEnd);
    boolean phone = !email && same(PHONE, keyStart, keyEnd);
    if (scope == TRAITS_CHECKED
        && c != 'n'
        && c != '"'
        && (email || phone || find(TRAIT_STRINGS, in, keyStart, keyEnd) >= 0)) {
      throw BAIL; // the schema wants a string
    }
    if (c != '"' || !(email || phone)) {
      value(depth + 1, PLAIN);
      return;
    }
    int start = string();
    if (stringEscaped) {
      throw BAIL;
    }
    String text = text(in, start, pos - 1, ascii);
    String normalized =
        email
            ? EventNormalizer.normalizeEmail(text)
            : EventNormalizer.cachedNormalizePhone(text, defaultRegion).orElse(null);
    if (normalized != null && verbatim >= 0) {
      // The string's content (between its quotes) is replaced.
      write(in, verbatim, start);
      byte[] b = normalized.getBytes(StandardCharsets.UTF_8);
      write(b, 0, b.length);
      verbatim = pos - 1;
    }
  }

  private void array(int depth) {
    if (depth > MAX_DEPTH) {
      throw BAIL;
    }
    pos++; // '['
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      value(depth + 1, PLAIN);
      skipWhitespace();
      byte c = peek();
      pos++;
      if (c == ']') {
        break;
      }
      if (c != ',') {
        throw BAIL;
      }
      skipWhitespace();
    }
  }

  /**
   * A key at {@link #pos} (the {@code keys}th of its object, whose keys start at {@code keysBase}):
   * without escapes, not seen before in the object; returns its content's start and leaves {@link
   * #pos} after the closing quote.
   */
  private int key(int keysBase, int keys) {
    if (keys > MAX_KEYS || peek() != '"') {
      throw BAIL;
    }
    int start = string();
    if (stringEscaped) {
      throw BAIL;
    }
    int stop = pos - 1;
    int length = stop - start;
    for (int k = keysBase; k < keyTop; k++) {
      if (keyEnds[k] - keyStarts[k] == length
          && (length == 0 || in[keyStarts[k]] == in[start])
          && Arrays.equals(in, keyStarts[k], keyEnds[k], in, start, stop)) {
        throw BAIL; // a duplicate key: the general path rejects the call
      }
    }
    if (keyTop == keyStarts.length) {
      keyStarts = Arrays.copyOf(keyStarts, keyTop * 2);
      keyEnds = Arrays.copyOf(keyEnds, keyTop * 2);
    }
    keyStarts[keyTop] = start;
    keyEnds[keyTop] = stop;
    keyTop++;
    return start;
  }

  private void colon() {
    skipWhitespace();
    if (peek() != ':') {
      throw BAIL;
    }
    pos++;
    skipWhitespace();
  }

  /**
   * Skips whitespace at {@link #pos}; when writing, the verbatim text before it is written and the
   * verbatim text starts again after it.
   */
  private void skipWhitespace() {
    int p = skipWs(in, pos, end);
    if (p != pos && verbatim >= 0) {
      write(in, verbatim, pos);
      verbatim = p;
    }
    pos = p;
  }

  /**
   * A string at {@link #pos}; returns its content's start and leaves {@link #pos} after the closing
   * quote. Only escapes that Jackson writes the same way are kept ({@code \" \\ \b \f \n \r \t});
   * any other bails.
   */
  private int string() {
    int start = pos + 1;
    int i = start;
    boolean escaped = false;
    boolean rewrite = false;
    byte[] b = in;
    int stop = end;
    while (true) {
      if (i + 8 <= stop) {
        long m = specials((long) LONGS.get(b, i));
        if (m == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(m) >>> 3;
      } else {
        if (i >= stop) {
          throw BAIL;
        }
        if (!SPECIAL[b[i] & 0xff]) {
          i++;
          continue;
        }
      }
      byte c = b[i];
      if (c == '"') {
        break;
      }
      if (c != '\\' || i + 1 >= stop) {
        throw BAIL; // an unescaped control character: not JSON
      }
      byte e = b[i + 1];
      if (e == 'u') {
        if (i + 6 > stop
            || hex(b[i + 2]) < 0
            || hex(b[i + 3]) < 0
            || hex(b[i + 4]) < 0
            || hex(b[i + 5]) < 0) {
          throw BAIL; // not JSON
        }
        rewrite = true;
        i += 6;
      } else {
        if (e == '/') {
          rewrite = true;
        } else if (e != '"' && e != '\\' && e != 'n' && e != 't' && e != 'r' && e != 'b'
            && e != 'f') {
          throw BAIL; // not JSON
        }
        i += 2;
      }
      escaped = true;
    }
    stringEscaped = escaped;
    stringRewrite = rewrite;
    pos = i + 1;
    return start;
  }

  /**
   * Writes the content {@code in[start..stop)} of a string whose escapes Jackson writes otherwise
   * (an escaped slash, a backslash-u escape) as Jackson writes it: characters as they are (UTF-8),
   * except quote, backslash and control characters, which are escaped (backslash-n, or backslash-u
   * with upper-case hex digits). A surrogate escape that is not a valid pair bails (the general
   * path writes {@code ?}).
   */
  private void rewriteString(int start, int stop) {
    write(in, verbatim, start);
    int i = start;
    while (i < stop) {
      byte c = in[i];
      if (c != '\\') {
        writeByte(c); // raw UTF-8 passes as it is
        i++;
        continue;
      }
      byte e = in[i + 1];
      if (e != 'u') {
        if (e == '/') {
          writeByte((byte) '/');
        } else {
          writeByte((byte) '\\');
          writeByte(e);
        }
        i += 2;
        continue;
      }
      int ch = hex4(i + 2);
      i += 6;
      if (ch >= 0xd800 && ch <= 0xdfff) {
        if (ch > 0xdbff || i + 6 > stop || in[i] != '\\' || in[i + 1] != 'u') {
          throw BAIL;
        }
        int low = hex4(i + 2);
        if (low < 0xdc00 || low > 0xdfff) {
          throw BAIL;
        }
        i += 6;
        int cp = Character.toCodePoint((char) ch, (char) low);
        writeByte((byte) (0xf0 | cp >> 18));
        writeByte((byte) (0x80 | (cp >> 12 & 0x3f)));
        writeByte((byte) (0x80 | (cp >> 6 & 0x3f)));
        writeByte((byte) (0x80 | (cp & 0x3f)));
      } else if (ch < 0x20) {
        writeByte((byte) '\\');
        switch (ch) {
          case '\b' -> writeByte((byte) 'b');
          case '\t' -> writeByte((byte) 't');
          case '\n' -> writeByte((byte) 'n');
          case '\f' -> writeByte((byte) 'f');
          case '\r' -> writeByte((byte) 'r');
          default -> {
            writeByte((byte) 'u');
            writeByte((byte) '0');
            writeByte((byte) '0');
            writeByte((byte) "0123456789ABCDEF".charAt(ch >> 4));
            writeByte((byte) "0123456789ABCDEF".charAt(ch & 0xf));
          }
        }
      } else if (ch == '"' || ch == '\\') {
        writeByte((byte) '\\');
        writeByte((byte) ch);
      } else if (ch < 0x80) {
        writeByte((byte) ch);
      } else if (ch < 0x800) {
        writeByte((byte) (0xc0 | ch >> 6));
        writeByte((byte) (0x80 | (ch & 0x3f)));
      } else {
        writeByte((byte) (0xe0 | ch >> 12));
        writeByte((byte) (0x80 | (ch >> 6 & 0x3f)));
        writeByte((byte) (0x80 | (ch & 0x3f)));
      }
    }
    verbatim = stop;
  }

  private int hex4(int at) {
    return hex(in[at]) << 12 | hex(in[at + 1]) << 8 | hex(in[at + 2]) << 4 | hex(in[at + 3]);
  }

  /**
   * A number at {@link #pos}, checked against JSON's grammar; true when it has a fraction or an
   * exponent. Leaves {@link #pos} after it.
   */
  private boolean number(boolean allowFloat) {
    int start = pos;
    int i = pos;
    byte[] b = in;
    if (b[i] == '-') {
      i++;
    }
    if (i >= end) {
      throw BAIL;
    }
    int intStart = i;
    if (b[i] == '0') {
      i++;
    } else if (b[i] >= '1' && b[i] <= '9') {
      while (i < end && isDigit(b[i])) {
        i++;
      }
    } else {
      throw BAIL;
    }
    boolean isFloat = false;
    if (i < end && b[i] == '.') {
      i++;
      int digits = i;
      while (i < end && isDigit(b[i])) {
        i++;
      }
      if (i == digits) {
        throw BAIL;
      }
      isFloat = true;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int digits = i;
      while (i < end && isDigit(b[i])) {
        i++;
      }
      if (i == digits || i - digits > 3) {
        throw BAIL;
      }
      isFloat = true;
    }
    if (i < end && !isDelimiter(b[i])) {
      throw BAIL;
    }
    if (i - start > MAX_NUMBER_LENGTH || (isFloat && !allowFloat)) {
      throw BAIL;
    }
    if (!isFloat && b[start] == '-' && i - intStart == 1 && b[intStart] == '0') {
      throw BAIL; // -0: Jackson writes 0
    }
    pos = i;
    return isFloat;
  }

  /**
   * A float as Jackson's tree writes it: a BigDecimal without trailing zeros, zero as 0. Its text
   * already is that form when it has no exponent, a non-zero integer part and a fraction that does
   * not end in 0; otherwise it is replaced.
   */
  private void decimal(int start, int stop) {
    int i = in[start] == '-' ? start + 1 : start;
    if (in[i] != '0' && in[stop - 1] != '0') {
      boolean exponent = false;
      for (int k = i; k < stop; k++) {
        if (in[k] == 'e' || in[k] == 'E') {
          exponent = true;
          break;
        }
      }
      if (!exponent) {
        return; // verbatim
      }
    }
    if (verbatim < 0) {
      return;
    }
    java.math.BigDecimal d = new java.math.BigDecimal(text(in, start, stop, true));
    String s = d.signum() == 0 ? "0" : d.stripTrailingZeros().toString();
    write(in, verbatim, start);
    for (int k = 0; k < s.length(); k++) {
      writeByte((byte) s.charAt(k));
    }
    verbatim = stop;
  }

  private void literal(byte[] word) {
    int stop = pos + word.length;
    if (stop > end || !Arrays.equals(in, pos, stop, word, 0, word.length)) {
      throw BAIL;
    }
    if (stop < end && !isDelimiter(in[stop])) {
      throw BAIL;
    }
    pos = stop;
  }

  private byte peek() {
    if (pos >= end) {
      throw BAIL;
    }
    return in[pos];
  }

  private boolean same(byte[] word, int start, int stop) {
    return stop - start == word.length && sameBytes(word, in, start, word.length);
  }

  private void writeByte(byte b) {
    if (outLength == out.length) {
      out = Arrays.copyOf(out, out.length * 2);
    }
    out[outLength++] = b;
  }

  private void write(byte[] b, int start, int stop) {
    int length = stop - start;
    if (outLength + length > out.length) {
      out = Arrays.copyOf(out, Math.max(outLength + length, out.length * 2));
    }
    System.arraycopy(b, start, out, outLength, length);
    outLength += length;
  }

  // ---------------------------------------------------------------- validation and the row

  private Object[] row(String source, String messageId, Instant receivedAt) {
    if (kind[K_TYPE] != STRING) {
      throw BAIL;
    }
    int t = find(TYPE_BYTES, in, valueStart[K_TYPE], valueEnd[K_TYPE]);
    if (t < 0) {
      throw BAIL;
    }
    String type = TYPES[t];
    boolean required =
        switch (t) {
          case T_TRACK -> kind[K_EVENT] == STRING;
          case T_GROUP -> hasId(K_GROUP_ID);
          case T_ALIAS -> hasId(K_PREVIOUS_ID) && hasId(K_USER_ID);
          default -> true;
        };
    if (!required || !(hasId(K_USER_ID) || hasId(K_ANONYMOUS_ID))) {
      throw BAIL;
    }
    lastDate = null;
    dateTime(K_RECEIVED_AT);
    // The batch's sentAt applies when the call has no sentAt field at all (CallMerger).
    Instant sentAt =
        kind[K_SENT_AT] == ABSENT && envStart[E_BATCH] >= 0 ? batchSentAt() : dateTime(K_SENT_AT);
    Instant original = dateTime(K_ORIGINAL_TIMESTAMP);
    Instant explicit = dateTime(K_TIMESTAMP);
    Instant clientTime = original != null ? original : explicit;
    Instant timestamp;
    if (clientTime != null && sentAt != null) {
      timestamp = receivedAt.minus(Duration.between(clientTime, sentAt));
    } else if (clientTime != null) {
      timestamp = clientTime;
    } else {
      timestamp = receivedAt;
    }
    return new Object[] {
      source,
      messageId,
      type,
      scalar(K_EVENT),
      scalar(K_NAME),
      scalar(K_USER_ID),
      scalar(K_ANONYMOUS_ID),
      scalar(K_GROUP_ID),
      scalar(K_PREVIOUS_ID),
      timestamp,
      clientTime,
      sentAt,
      receivedAt,
      json(K_PROPERTIES),
      json(K_TRAITS),
      json(K_CONTEXT),
      json(K_INTEGRATIONS)
    };
  }

  /** As the validator's hasId: a number, or a string that is not blank. */
  private boolean hasId(int k) {
    return switch (kind[k]) {
      case INTEGER -> true;
      case STRING -> {
        int start = valueStart[k];
        int stop = valueEnd[k];
        for (int i = start; i < stop; i++) {
          if (in[i] != ' ') {
            yield ascii ? in[i] > ' ' : !text(in, start, stop, false).isBlank();
          }
        }
        yield false;
      }
      default -> false;
    };
  }

  /**
   * A date-time field: null when absent or null; the instant when it has the common shape the
   * schema's fast check accepts; otherwise bails.
   */
  private Instant dateTime(int k) {
    if (kind[k] != STRING) {
      return null;
    }
    int start = valueStart[k];
    int stop = valueEnd[k];
    if (in[start] != '1' && in[start] != '2') {
      throw BAIL;
    }
    // Clients often send the same text in several fields (sentAt, originalTimestamp).
    if (lastDate != null && Arrays.equals(in, lastDateStart, lastDateEnd, in, start, stop)) {
      return lastDate;
    }
    // Non-ASCII text never has the common shape: the bytes answer as the decoded text would.
    Instant instant = Timestamps.parseCommonShape(in, start, stop);
    if (instant == null) {
      throw BAIL;
    }
    lastDate = instant;
    lastDateStart = start;
    lastDateEnd = stop;
    return instant;
  }

  /** The batch's sentAt, null or a date-time of the common shape; otherwise bails. */
  private Instant batchSentAt() {
    if (batchSentAt == BATCH_NULL) {
      return null;
    }
    int start = batchSentAtStart;
    int stop = batchSentAtEnd;
    int chars = chars(line, start, stop, lineAscii);
    if (chars < 20 || chars > 64 || (line[start] != '1' && line[start] != '2')) {
      throw BAIL;
    }
    Instant instant = Timestamps.parseCommonShape(line, start, stop);
    if (instant == null) {
      throw BAIL;
    }
    return instant;
  }

  private byte[] scalar(int k) {
    return kind[k] == STRING || kind[k] == INTEGER
        ? Arrays.copyOfRange(in, valueStart[k], valueEnd[k])
        : null;
  }

  private byte[] json(int k) {
    return kind[k] == OTHER ? Arrays.copyOfRange(out, valueStart[k], valueEnd[k]) : null;
  }

  // ---------------------------------------------------------------- helpers

  private static int skipWs(byte[] b, int i, int stop) {
    while (i < stop) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNumberStart(byte c) {
    return c == '-' || isDigit(c);
  }

  private static boolean isNumberChar(byte c) {
    return isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  }

  private static boolean isDelimiter(byte c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** The index of the word equal to {@code b[start..stop)}, or -1. */
  private static int find(byte[][] words, byte[] b, int start, int stop) {
    int length = stop - start;
    for (int w = 0; w < words.length; w++) {
      byte[] word = words[w];
      if (word.length == length && sameBytes(word, b, start, length)) {
        return w;
      }
    }
    return -1;
  }

  /**
   * Whether {@code b[start..start + word.length)} equals {@code word}: eight bytes at a time, for
   * the short words and keys compared here (cheaper than {@link Arrays#equals(byte[], int, int,
   * byte[], int, int)}'s setup at these lengths).
   */
  static boolean sameBytes(byte[] word, byte[] b, int start, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if ((long) LONGS.get(word, i) != (long) LONGS.get(b, start + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (word[i] != b[start + i]) {
        return false;
      }
    }
    return true;
  }

  /** Words looked up by their length first, then their first byte. */
  private static final class KeyTable {
    private final byte[][] words;
    private final int[][] byLength;

    KeyTable(String[] keys) {
      words = bytes(keys);
      int longest = 0;
      for (byte[] w : words) {
        longest = Math.max(longest, w.length);
      }
      byLength = new int[longest + 1][0];
      for (int i = 0; i < words.length; i++) {
        int[] list = byLength[words[i].length];
        list = Arrays.copyOf(list, list.length + 1);
        list[list.length - 1] = i;
        byLength[words[i].length] = list;
      }
    }

    /** The index of the word equal to {@code b[start..stop)}, or -1. */
    int find(byte[] b, int start, int stop) {
      int length = stop - start;
      if (length == 0 || length >= byLength.length) {
        return -1;
      }
      for (int w : byLength[length]) {
        if (sameBytes(words[w], b, start, length)) {
          return w;
        }
      }
      return -1;
    }
  }

  /** Length in UTF-16 chars of valid UTF-8 bytes. */
  private static int chars(byte[] b, int start, int stop, boolean ascii) {
    if (ascii) {
      return stop - start;
    }
    int n = 0;
    for (int i = start; i < stop; i++) {
      int c = b[i] & 0xff;
      if ((c & 0xc0) != 0x80) {
        n += (c & 0xf8) == 0xf0 ? 2 : 1;
      }
    }
    return n;
  }

  private static String text(byte[] b, int start, int stop, boolean ascii) {
    return new String(
        b, start, stop - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[][] bytes(String... words) {
    byte[][] out = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      out[i] = ascii(words[i]);
    }
    return out;
  }

  /** Strict UTF-8 validation, as strict as the JDK decoder (which replaces what it rejects). */
  static final class Utf8 {
    private Utf8() {}

    static boolean isValid(byte[] b, int start, int stop) {
      int i = start;
      while (i < stop) {
        int c = b[i];
        if (c >= 0) {
          i++;
          continue;
        }
        c &= 0xff;
        if (c >= 0xc2 && c <= 0xdf) {
          if (i + 1 >= stop || !cont(b[i + 1])) {
            return false;
          }
          i += 2;
        } else if (c >= 0xe0 && c <= 0xef) {
          if (i + 2 >= stop || !cont(b[i + 1]) || !cont(b[i + 2])) {
            return false;
          }
          int c1 = b[i + 1] & 0xff;
          if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f)) {
            return false; // overlong, or a surrogate
          }
          i += 3;
        } else if (c >= 0xf0 && c <= 0xf4) {
          if (i + 3 >= stop || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) {
            return false;
          }
          int c1 = b[i + 1] & 0xff;
          if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) {
            return false; // overlong, or beyond U+10FFFF
          }
          i += 4;
        } else {
          return false;
        }
      }
      return true;
    }

    private static boolean cont(byte b) {
      return (b & 0xc0) == 0x80;
    }
  }
}
