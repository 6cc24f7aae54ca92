package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cdk synth} with the pinned CLI (infra-cdk/node_modules, {@code aws-cdk} of package.json)
 * runs the app of cdk.json offline and writes the three templates. The CLI fails on any error
 * annotation, so this also proves there is no unsuppressed cdk-nag error in the app as deployed.
 */
class CdkCliSynthIT {
  private static final Path INFRA = SynthesizedApp.REPO_ROOT.resolve("infra-cdk");

  @Test
  void thePinnedCliSynthesizesTheAppOffline(@TempDir Path out) throws Exception {
    Path cdk = INFRA.resolve("node_modules/.bin/cdk");
    if (!Files.isExecutable(cdk)) {
      throw new IllegalStateException(cdk + " is missing: run `npm ci` in infra-cdk (./test does)");
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                cdk.toString(),
                "synth",
                "--quiet",
                "--no-notices",
                "--output",
                out.toString(),
                "-c",
                "cdp:env=it",
                "-c",
                "cdp:tenants=acme")
            .directory(INFRA.toFile())
            .redirectErrorStream(true);
    pb.environment().put("CDK_DISABLE_CLI_TELEMETRY", "true");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("cdk synth finished").isTrue();

    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("Successfully synthesized").doesNotContain("AwsSolutions-");
    for (String stack : new String[] {"cdp-it-data", "cdp-it-governance", "cdp-it-pipeline"}) {
      assertThat(out.resolve(stack + ".template.json")).isRegularFile();
    }
    assertThat(Files.readString(out.resolve("cdp-it-pipeline.template.json")))
        .contains("\"cdp-it-curate\"");
  }
}
