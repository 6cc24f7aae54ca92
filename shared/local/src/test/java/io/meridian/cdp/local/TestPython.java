package io.meridian.cdp.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the Python of the test virtual environment that ./test creates. */
final class TestPython {
  private TestPython() {}

  /**
   * {@code $CDP_TEST_PYTHON}, else {@code <repo>/.venv/bin/python}.
   *
   * @throws IllegalStateException telling the developer to run ./test when neither exists
   */
  static String executable() {
    String env = System.getenv("CDP_TEST_PYTHON");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return env;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".venv/bin/python");
      if (Files.isExecutable(candidate) && Files.exists(dir.resolve("requirements-test.txt"))) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(
        "no test Python found: run ./test once (it creates .venv with requirements-test.txt)");
  }
}
