package io.meridian.cdp.cli;

import io.meridian.cdp.segment.SegmentDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The demo tenant's segments, written as a file a marketer would write and can edit. */
final class DemoSegments {
  static final String FILE = "demo.yaml";

  static final String YAML =
      """
      # Segments of the demo tenant (docs/SEGMENTS.md). Edit them, then try:
      #   ./cdp segments list --tenant demo
      #   ./cdp segments preview big-spenders --tenant demo
      segments:
        - id: big-spenders
          name: Big spenders
          description: Customers who spent 250 or more in total
          where: {computed: lifetime_revenue, gte: 250}
          activation:
            traits: [firstName, lifetime_revenue]
            identifiers: [email, user_id]
        - id: gold-tier
          name: Gold tier
          description: Customers whose account manager marked them gold
          where: {trait: tier, eq: gold}
          activation:
            traits: [firstName, tier]
            identifiers: [email, user_id]
      """;

  private DemoSegments() {}

  /** Writes the demo segments unless the demo tenant's segment folder already holds some. */
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
