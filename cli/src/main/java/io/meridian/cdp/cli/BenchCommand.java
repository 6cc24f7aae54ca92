package io.meridian.cdp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure performance. Figures and how to reproduce them: docs/BENCHMARKS.md.",
    subcommands = {
      IngestBench.class,
      ConvertBench.class,
      IdentityQualityBench.class,
      IdentityBench.class,
      SegmentBench.class,
      ActivationBench.class,
      PiiBench.class,
      PiiPolicyBench.class
    })
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    CommandLine cl = spec.commandLine();
    cl.usage(cl.getOut());
  }
}
