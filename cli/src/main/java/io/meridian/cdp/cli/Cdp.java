package io.meridian.cdp.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code cdp} command. */
@Command(
    name = "cdp",
    mixinStandardHelpOptions = true,
    version = "Meridian CDP 0.1.0-SNAPSHOT",
    description =
        "Meridian CDP in local mode: a Segment-compatible ingestion API, a data lake in a"
            + " directory, and SQL over it with DuckDB.",
    subcommands = {
      ServeCommand.class,
      RunCommand.class,
      TenantsCommand.class,
      SourcesCommand.class,
      SecretsCommand.class,
      ImportCommand.class,
      SqlCommand.class,
      CatalogCommand.class,
      ProfileCommand.class,
      SegmentsCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      CostCommand.class,
      PrivacyCommand.class,
      AuditCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Cdp implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Cdp());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
          commandLine
              .getErr()
              .println(commandLine.getCommandSpec().qualifiedName() + ": " + message);
          if (System.getenv("CDP_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return e instanceof UserError || e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A mistake of the person at the keyboard: reported as one line, exit code 2. */
  static final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
      super(message, null, false, false);
    }
  }
}
