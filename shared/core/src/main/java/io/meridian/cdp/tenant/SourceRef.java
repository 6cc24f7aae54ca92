package io.meridian.cdp.tenant;

/** An authenticated (tenant, source) pair: the result of resolving a write key. */
public record SourceRef(String tenant, String source) {
  public SourceRef {
    Ids.require("tenant", tenant);
    Ids.require("source", source);
  }
}
