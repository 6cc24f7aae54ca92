package io.meridian.cdp.secret;

import java.util.regex.Pattern;

/**
 * Where a secret is kept.
 *
 * @param scheme {@code env} (an environment variable), {@code file} (a file in the local secrets
 *     directory, readable only by its owner) or {@code secretsmanager} (an AWS Secrets Manager
 *     secret name or ARN)
 * @param name the variable, file or secret name
 */
public record SecretRef(String scheme, String name) {
  private static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern FILE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");
  private static final Pattern SECRETS_MANAGER = Pattern.compile("[A-Za-z0-9/_+=.@:-]{1,2048}");

  public SecretRef {
    Pattern rule =
        switch (scheme) {
          case "env" -> ENV;
          case "file" -> FILE;
          case "secretsmanager" -> SECRETS_MANAGER;
          default ->
              throw new IllegalArgumentException(
                  "secret scheme '" + scheme + "' is unknown; use env:, file: or secretsmanager:");
        };
    if (name == null || !rule.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "secret name after '"
              + scheme
              + ":' is invalid: "
              + switch (scheme) {
                case "env" -> "an environment variable name such as ACME_WEBHOOK_SECRET";
                case "file" ->
                    "a file name of lower-case letters, digits, '.', '_' and '-' (no path)";
                default -> "a Secrets Manager secret name or ARN";
              });
    }
  }

  /**
   * Parses {@code env:NAME}, {@code file:NAME} or {@code secretsmanager:NAME}.
   *
   * @throws IllegalArgumentException when {@code text} is not a reference (a secret itself is never
   *     accepted in configuration)
   */
  public static SecretRef parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "a secret must be given as a reference (env:NAME, file:NAME or secretsmanager:NAME),"
              + " never in clear");
    }
    return new SecretRef(text.substring(0, colon), text.substring(colon + 1));
  }

  @Override
  public String toString() {
    return scheme + ":" + name;
  }
}
