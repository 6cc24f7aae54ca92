package io.meridian.cdp.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.secret.KeyService;
import io.meridian.cdp.secret.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key material of each tenant's {@link PiiCodec}: the HMAC secret through the {@link
 * SecretStore} (the policy's {@code hashSecret}), and the data key, stored in the lake only in its
 * wrapped form ({@code _keys/tenant=T/pii-data-key.json}) and unwrapped by the {@link KeyService}.
 * A tenant's data key is created the first time its policy needs one. Codecs are cached per tenant
 * and policy.
 */
public final class PiiKeys {
  /** Lake prefix of the wrapped data keys. */
  public static final String PREFIX = "_keys/";

  private final ObjectStore store;
  private final KeyService keys;
  private final SecretStore secrets;
  private final Map<String, PiiCodec> codecs = new ConcurrentHashMap<>();

  public PiiKeys(ObjectStore store, KeyService keys, SecretStore secrets) {
    this.store = store;
    this.keys = keys;
    this.secrets = secrets;
  }

  /** Key of a tenant's wrapped data key. */
  public static String dataKeyKey(String tenant) {
    return PREFIX + "tenant=" + tenant + "/pii-data-key.json";
  }

  /** The codec of {@code tenant} under {@code policy}, with the key material it needs. */
  public PiiCodec codec(String tenant, PiiPolicy policy) {
    String cacheKey =
        tenant
            + "\u0000"
            + policy.hashSecret().map(Object::toString).orElse("")
            + "\u0000"
            + policy.tokenizes();
    return codecs.computeIfAbsent(
        cacheKey,
        k -> {
          byte[] secret =
              policy.hashes()
                  ? policy
                      .hashSecret()
                      .map(ref -> secrets.secret(ref).getBytes(StandardCharsets.UTF_8))
                      .orElseThrow()
                  : null;
          return new PiiCodec(secret, policy.tokenizes() ? dataKey(tenant, true) : null);
        });
  }

  /**
   * The codec that detokenizes {@code tenant}'s tokens.
   *
   * @throws IllegalStateException when the tenant has no data key yet (nothing was tokenized)
   */
  public PiiCodec detokenizer(String tenant) {
    return new PiiCodec(null, dataKey(tenant, false));
  }

  private synchronized byte[] dataKey(String tenant, boolean create) {
    String key = dataKeyKey(tenant);
    try {
      var stored = store.get(key);
      if (stored.isPresent()) {
        JsonNode node = Json.MAPPER.readTree(stored.get());
        byte[] wrapped = Base64.getDecoder().decode(node.path("wrapped").asText());
        return keys.decrypt(wrapped, tenant);
      }
      if (!create) {
        throw new IllegalStateException(
            "tenant '" + tenant + "' has no data key: nothing of it was ever tokenized");
      }
      KeyService.DataKey fresh = keys.generateDataKey(tenant);
      ObjectNode node = Json.MAPPER.createObjectNode();
      node.put("tenant", tenant);
      node.put("wrapped", Base64.getEncoder().encodeToString(fresh.wrapped()));
      store.put(key, Json.MAPPER.writeValueAsBytes(node));
      return fresh.plaintext();
    } catch (IOException e) {
      throw new UncheckedIOException("reading or storing the data key of " + tenant + " failed", e);
    }
  }
}
