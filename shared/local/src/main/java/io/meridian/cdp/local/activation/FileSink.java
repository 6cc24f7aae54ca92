package io.meridian.cdp.local.activation;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Appends each payload as one JSON line to {@code <data>/activation/<tenant>/<id>.jsonl}. */
final class FileSink implements Deliverer {
  private final Path file;
  private OutputStream out;

  FileSink(Path file) {
    this.file = file;
  }

  @Override
  public synchronized Outcome deliver(Delivery delivery) {
    try {
      if (out == null) {
        Files.createDirectories(file.getParent());
        out =
            new java.io.BufferedOutputStream(
                new java.io.FileOutputStream(file.toFile(), true), 1 << 16);
      }
      out.write(delivery.body());
      out.write('\n');
      return Outcome.ok(1, 0);
    } catch (IOException e) {
      return Outcome.failed(1, 0, "could not write " + file.getFileName() + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("could not close " + file, e);
      } finally {
        out = null;
      }
    }
  }
}
