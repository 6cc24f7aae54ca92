package io.meridian.cdp.ingest;

import java.util.Map;
import java.util.Optional;

/**
 * The Tracking API's endpoints, including the one-letter paths analytics.js uses ({@code /v1/t},
 * {@code /v1/b}, ...).
 */
enum Endpoint {
  IDENTIFY("identify"),
  TRACK("track"),
  PAGE("page"),
  SCREEN("screen"),
  GROUP("group"),
  ALIAS("alias"),
  BATCH(null),
  IMPORT(null);

  private static final Map<String, Endpoint> BY_PATH =
      Map.ofEntries(
          Map.entry("identify", IDENTIFY),
          Map.entry("i", IDENTIFY),
          Map.entry("track", TRACK),
          Map.entry("t", TRACK),
          Map.entry("page", PAGE),
          Map.entry("p", PAGE),
          Map.entry("screen", SCREEN),
          Map.entry("s", SCREEN),
          Map.entry("group", GROUP),
          Map.entry("g", GROUP),
          Map.entry("alias", ALIAS),
          Map.entry("a", ALIAS),
          Map.entry("batch", BATCH),
          Map.entry("b", BATCH),
          Map.entry("import", IMPORT));

  /** Type implied for a single call, or null for batch endpoints. */
  final String impliedType;

  Endpoint(String impliedType) {
    this.impliedType = impliedType;
  }

  boolean isBatch() {
    return impliedType == null;
  }

  static Optional<Endpoint> of(String path) {
    if (path == null) {
      return Optional.empty();
    }
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.startsWith("/v1/")) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_PATH.get(p.substring(4)));
  }
}
