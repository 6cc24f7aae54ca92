package io.meridian.cdp.tenant;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A source of events for one tenant (a website, an app, a CSV import) and the hashes of the write
 * keys that authenticate it. Several hashes allow key rotation.
 */
public record SourceConfig(
    @JsonProperty("id") String id, @JsonProperty("writeKeyHashes") List<String> writeKeyHashes) {
  public SourceConfig {
    Ids.require("source", id);
    writeKeyHashes = writeKeyHashes == null ? List.of() : List.copyOf(writeKeyHashes);
    for (String h : writeKeyHashes) {
      if (!WriteKeys.isHash(h)) {
        throw new IllegalArgumentException(
            "source '"
                + id
                + "' has a write key that is not stored as a sha256: hash; keys are never stored in"
                + " clear");
      }
    }
  }

  /** This source with one more accepted key hash. */
  public SourceConfig withKeyHash(String hash) {
    List<String> hashes = new java.util.ArrayList<>(writeKeyHashes);
    hashes.add(hash);
    return new SourceConfig(id, hashes);
  }
}
