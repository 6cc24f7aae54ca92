package io.meridian.cdp.cli;

import io.meridian.cdp.local.activation.LocalSecretStore;
import io.meridian.cdp.secret.SecretRef;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "secrets",
    mixinStandardHelpOptions = true,
    description =
        "Manage local secrets (webhook signing secrets), kept in DIR/secrets with mode 0600 and"
            + " referenced from cdp.yaml as file:NAME. See docs/ACTIVATION.md.",
    subcommands = {SecretsCommand.Set.class})
final class SecretsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Store a secret: the first line of standard input, or with --generate a new random one,"
              + " printed once.")
  static final class Set implements Callable<Integer> {
    @Mixin Options options;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Secret name: lower-case letters, digits, '.', '_', '-'")
    String name;

    @Option(
        names = "--generate",
        description = "Generate a random secret (whsec_ + 64 hex digits) and print it once")
    boolean generate;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      SecretRef ref;
      try {
        ref = new SecretRef("file", name);
      } catch (IllegalArgumentException e) {
        throw new Cdp.UserError(e.getMessage());
      }
      String value;
      if (generate) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        value = "whsec_" + HexFormat.of().formatHex(random);
      } else {
        value =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (value == null || value.isBlank()) {
          throw new Cdp.UserError(
              "give the secret on standard input (e.g. printf '%s' \"$SECRET\" | cdp secrets set "
                  + name
                  + "), or use --generate");
        }
      }
      new LocalSecretStore(options.data().resolve("secrets"), java.util.Map.of()).put(name, value);
      if (generate) {
        out.println("Secret (shown once; give it to the receiver): " + value);
      }
      out.println(
          "Stored "
              + options.data().resolve("secrets").resolve(name)
              + " (mode 600). In cdp.yaml: secret: "
              + ref);
      return 0;
    }
  }
}
