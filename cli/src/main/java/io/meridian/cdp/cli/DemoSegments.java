package io.meridian.cdp.cli;

import io.meridian.cdp.segment.SegmentDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A segment of the demo tenant, written as a file a marketer would write and can edit. */
final class DemoSegments {
  static final String FILE = "demo.yaml";

  static final String YAML =
      """
      # A segment of the demo tenant kept in a file, beside those in cdp.yaml (docs/SEGMENTS.md).
      # Edit it, then try:
      #   ./cdp segments list --tenant demo
      #   ./cdp segments preview gold-tier --tenant demo
      segments:
        - id: gold-tier
          name: Gold tier
          description: Customers whose account manager marked them gold
          where: {trait: tier, eq: gold}
          activation:
            traits: [firstName, tier]
            identifiers: [email, user_id]
      """;

  private DemoSegments() {}

  /** Writes the demo segment file unless the demo tenant's segment folder already holds files. */
  static void ensure(Path data) throws IOException {
    Path folder = SegmentDefinitions.folder(data, DemoCommand.TENANT);
    if (Files.isDirectory(folder)) {
      try (Stream<Path> files = Files.list(folder)) {
        if (files.findAny().isPresent()) {
          return;
        }
      }
    }
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(FILE), YAML);
  }
}
