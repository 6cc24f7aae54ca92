package io.meridian.cdp.secret;

/** Resolves secret references (port): local files and variables, or AWS Secrets Manager. */
public interface SecretStore {
  /**
   * The secret {@code ref} points to.
   *
   * @throws IllegalStateException naming the reference (never the value) when it cannot be read
   */
  String secret(SecretRef ref);
}
