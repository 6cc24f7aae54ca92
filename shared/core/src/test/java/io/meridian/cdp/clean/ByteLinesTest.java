package io.meridian.cdp.clean;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteLinesTest {

  private static List<String> viaReader(byte[] bytes) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        out.add(line);
      }
    }
    return out;
  }

  private static List<String> viaByteLines(byte[] bytes, int bufferSize) throws IOException {
    List<String> out = new ArrayList<>();
    ByteLines lines = new ByteLines(new ByteArrayInputStream(bytes), bufferSize);
    while (lines.next()) {
      String text = lines.text();
      boolean ascii = text.chars().allMatch(c -> c < 0x80) && !text.contains("\uFFFD");
      assertThat(lines.isAscii()).as(text).isEqualTo(ascii);
      out.add(text);
    }
    return out;
  }

  @Test
  void splitsLikeBufferedReader() throws IOException {
    List<String> inputs =
        List.of(
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\rb\r",
            "\n\n\r\n\r\r",
            "a\r\n\nb",
            "é\n\u20ac€x\r\n😀",
            "{\"v\":1}\n{\"v\":2}\n\n{\"v\":3}");
    for (String input : inputs) {
      byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
      for (int size : new int[] {1, 2, 3, 64}) {
        assertThat(viaByteLines(bytes, size)).as(input).isEqualTo(viaReader(bytes));
      }
    }
  }

  @Test
  void randomStreamsSplitLikeBufferedReader() throws IOException {
    Random random = new Random(11);
    String alphabet = "ab\n\r\ré😀{}\"";
    for (int i = 0; i < 500; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(300);
      for (int k = 0; k < n; k++) {
        sb.appendCodePoint(
            alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(10))));
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(viaByteLines(bytes, 1 + random.nextInt(40))).isEqualTo(viaReader(bytes));
    }
  }

  @Test
  void longLinesWithRareBreaksAndNonAsciiSplitLikeBufferedReader() throws IOException {
    Random random = new Random(12);
    String plain = "abcdefghijklmnopqrstuvwxyz0123456789{}\":,";
    String rare = "\n\r\u00e9\u20ac\uD83D\uDE00\u007f";
    for (int i = 0; i < 500; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(3_000);
      for (int k = 0; k < n; k++) {
        if (random.nextInt(60) == 0) {
          int at = random.nextInt(rare.length());
          if (Character.isHighSurrogate(rare.charAt(at))) {
            sb.append(rare, at, at + 2);
          } else if (!Character.isLowSurrogate(rare.charAt(at))) {
            sb.append(rare.charAt(at));
          }
        } else {
          sb.append(plain.charAt(random.nextInt(plain.length())));
        }
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(viaByteLines(bytes, 1 + random.nextInt(200))).isEqualTo(viaReader(bytes));
    }
  }
}
