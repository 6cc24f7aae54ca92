package io.meridian.cdp.clean;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The lines of a UTF-8 byte stream, split as {@link java.io.BufferedReader#readLine()} splits them
 * (at {@code \n}, {@code \r} or {@code \r\n}; no empty line after a final terminator), but left as
 * bytes, so that ASCII lines can be parsed without first being decoded into a String. After {@link
 * #next()} returned true, the line is {@code buffer()[start() .. start() + length())}.
 */
final class ByteLines {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final InputStream in;
  private byte[] buf;
  private int pos;
  private int end;
  private boolean eof;
  private boolean skipLf;
  private int lineStart;
  private int lineLength;
  private boolean lineAscii;

  ByteLines(InputStream in, int bufferSize) {
    this.in = in;
    this.buf = new byte[bufferSize];
  }

  /** Advances to the next line; false at the end of the stream. */
  boolean next() throws IOException {
    int scan = pos;
    boolean ascii = true;
    while (true) {
      if (skipLf && pos < end) {
        skipLf = false;
        if (buf[pos] == '\n') {
          pos++;
          scan = pos;
        }
      }
      int i = scan;
      // Eight bytes at a time up to the first line break, if any (SWAR); then byte by byte.
      for (; i + 8 <= end; i += 8) {
        long x = (long) LONGS.get(buf, i);
        long breaks = zeroBytes(x ^ 0x0A0A0A0A0A0A0A0AL) | zeroBytes(x ^ 0x0D0D0D0D0D0D0D0DL);
        if (breaks != 0) {
          int before = Long.numberOfTrailingZeros(breaks) >>> 3;
          if ((x & HIGH_BITS & ((1L << (before << 3)) - 1)) != 0) {
            ascii = false;
          }
          i += before;
          break;
        }
        if ((x & HIGH_BITS) != 0) {
          ascii = false;
        }
      }
      for (; i < end; i++) {
        byte b = buf[i];
        if (b == '\n' || b == '\r') {
          lineStart = pos;
          lineLength = i - pos;
          lineAscii = ascii;
          pos = i + 1;
          skipLf = b == '\r';
          return true;
        }
        if (b < 0) {
          ascii = false;
        }
      }
      scan = end;
      if (eof) {
        if (pos < end) {
          lineStart = pos;
          lineLength = end - pos;
          lineAscii = ascii;
          pos = end;
          return true;
        }
        return false;
      }
      scan -= fill();
    }
  }

  /**
   * The high bit of each zero byte of {@code x}; bytes above the lowest zero byte may be marked
   * falsely (borrows), so only the lowest mark is meaningful.
   */
  static long zeroBytes(long x) {
    return (x - ONES) & ~x & HIGH_BITS;
  }

  /** Reads more bytes, moving the unread part to the front; returns how far it moved. */
  private int fill() throws IOException {
    int shift = pos;
    if (shift > 0) {
      System.arraycopy(buf, pos, buf, 0, end - pos);
      end -= pos;
      pos = 0;
    }
    if (end == buf.length) {
      byte[] bigger = new byte[buf.length * 2];
      System.arraycopy(buf, 0, bigger, 0, end);
      buf = bigger;
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
    return shift;
  }

  byte[] buffer() {
    return buf;
  }

  int start() {
    return lineStart;
  }

  int length() {
    return lineLength;
  }

  /** Whether the line is all ASCII, so its bytes are its characters. */
  boolean isAscii() {
    return lineAscii;
  }

  /** The line as text, decoded as {@link java.io.InputStreamReader} would decode it. */
  String text() {
    return new String(buf, lineStart, lineLength, StandardCharsets.UTF_8);
  }
}
