package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ASL files validate with npm {@code asl-validator} (pinned in infra-cdk/package.json; {@code
 * ./test} installs it). Fails, never skips, when it is not installed.
 */
class AslValidatorTest {
  private static final Path VALIDATOR =
      SynthesizedApp.REPO_ROOT.resolve("infra-cdk/node_modules/.bin/asl-validator");

  @Test
  void everyStateMachineDefinitionIsValidAsl() throws Exception {
    List<StateMachineFiles.Definition> definitions =
        StateMachineFiles.in(SynthesizedApp.REPO_ROOT.resolve("statemachines"));
    assertThat(definitions).isNotEmpty();
    for (StateMachineFiles.Definition d : definitions) {
      Result r = validate(d.file());
      assertThat(r.exitCode()).as(d.file() + ": " + r.output()).isZero();
      assertThat(r.output()).contains("is valid");
    }
  }

  @Test
  void theValidatorRejectsADefinitionWithoutATerminalState(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.asl.json");
    Files.writeString(broken, "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\"}}}");
    Result r = validate(broken);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("MISSING_TERMINAL_STATE");
  }

  private record Result(int exitCode, String output) {}

  private static Result validate(Path file) throws IOException, InterruptedException {
    if (!Files.isExecutable(VALIDATOR)) {
      throw new IllegalStateException(
          VALIDATOR + " is missing: run `npm ci` in infra-cdk (./test does it)");
    }
    Process p =
        new ProcessBuilder(VALIDATOR.toString(), "--json-path", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("asl-validator did not finish in 60 s");
    }
    return new Result(p.exitValue(), output);
  }
}
