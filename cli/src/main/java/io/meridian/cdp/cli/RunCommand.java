package io.meridian.cdp.cli;

import io.meridian.cdp.accounting.RunReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Drain the spool and process every pending stage once (raw, clean), print the"
            + " accounting, then exit.")
final class RunCommand implements Callable<Integer> {
  @Mixin Options options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LocalRuntime rt = LocalRuntime.open(options, out)) {
      RunReport report = rt.pipeline().runOnce();
      out.print(report.toTable());
      out.flush();
      return report.balanced() ? 0 : 1;
    }
  }
}
