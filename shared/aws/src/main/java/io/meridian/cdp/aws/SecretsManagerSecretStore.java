package io.meridian.cdp.aws;

import io.meridian.cdp.secret.SecretRef;
import io.meridian.cdp.secret.SecretStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Secrets on AWS: {@code secretsmanager:NAME} (a secret name or ARN) is read from AWS Secrets
 * Manager, the current version's string value. Values are cached for a while (a warm function does
 * not call Secrets Manager per event; a rotated secret is picked up after the cache time). Local
 * references ({@code env:}, {@code file:}) are refused: on AWS secrets never travel in environment
 * variables. Error messages name the reference, never a value.
 */
public final class SecretsManagerSecretStore implements SecretStore {
  /** How long a value read is reused. */
  public static final Duration DEFAULT_CACHE = Duration.ofMinutes(5);

  private final SecretsManagerClient client;
  private final Duration cacheFor;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(String value, Instant until) {}

  public SecretsManagerSecretStore(SecretsManagerClient client) {
    this(client, DEFAULT_CACHE, Clock.systemUTC());
  }

  public SecretsManagerSecretStore(SecretsManagerClient client, Duration cacheFor, Clock clock) {
    this.client = client;
    this.cacheFor = cacheFor;
    this.clock = clock;
  }

  @Override
  public String secret(SecretRef ref) {
    if (!ref.scheme().equals("secretsmanager")) {
      throw new IllegalStateException(
          "secret "
              + ref
              + ": "
              + ref.scheme()
              + " secrets exist in local mode only; on AWS use secretsmanager:NAME");
    }
    Instant now = clock.instant();
    Cached hit = cache.get(ref.name());
    if (hit != null && now.isBefore(hit.until())) {
      return hit.value();
    }
    String value = read(ref);
    cache.put(ref.name(), new Cached(value, now.plus(cacheFor)));
    return value;
  }

  private String read(SecretRef ref) {
    GetSecretValueResponse response;
    try {
      response = client.getSecretValue(b -> b.secretId(ref.name()));
    } catch (ResourceNotFoundException e) {
      throw new IllegalStateException("secret " + ref + ": no such secret in Secrets Manager", e);
    } catch (SecretsManagerException e) {
      throw new IllegalStateException(
          "secret "
              + ref
              + ": Secrets Manager refused it ("
              + e.awsErrorDetails().errorCode()
              + ")",
          e);
    } catch (SdkException e) {
      throw new IllegalStateException("secret " + ref + ": Secrets Manager is unreachable", e);
    }
    if (response.secretString() == null) {
      throw new IllegalStateException("secret " + ref + " is binary; store the secret as a string");
    }
    String stripped = response.secretString().replaceAll("[\r\n]+$", "");
    if (stripped.isEmpty()) {
      throw new IllegalStateException("secret " + ref + " is empty");
    }
    return stripped;
  }
}
