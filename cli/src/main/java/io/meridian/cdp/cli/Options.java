package io.meridian.cdp.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class Options {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (lake, spool, default config). Default: ${DEFAULT-VALUE}",
      defaultValue = "./cdp-data")
  Path data;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Tenant configuration. Default: DIR/cdp.yaml, created with a demo tenant on first use")
  Path config;

  Path data() {
    return data.toAbsolutePath().normalize();
  }

  Path config() {
    return config != null ? config.toAbsolutePath().normalize() : data().resolve("cdp.yaml");
  }
}
