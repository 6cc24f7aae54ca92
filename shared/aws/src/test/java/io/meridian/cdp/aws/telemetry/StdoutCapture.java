package io.meridian.cdp.aws.telemetry;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Standard output captured while a test runs; closing it puts the real one back. */
final class StdoutCapture implements AutoCloseable {
  private final PrintStream original = System.out;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  StdoutCapture() {
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  List<String> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Override
  public void close() {
    System.setOut(original);
  }
}
