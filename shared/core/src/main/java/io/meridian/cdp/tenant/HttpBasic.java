package io.meridian.cdp.tenant;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Keys sent as HTTP Basic credentials, the way Segment's SDKs send a write key: the key is the user
 * name and the password is empty. One reading for the Tracking API, its Lambda authorizer and the
 * profile API.
 */
public final class HttpBasic {
  private static final String SCHEME = "Basic ";

  private HttpBasic() {}

  /** Whether {@code authorization} uses the Basic scheme (case-insensitive). */
  public static boolean isBasic(String authorization) {
    return authorization != null
        && authorization.length() >= SCHEME.length()
        && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /**
   * The user name of Basic credentials; empty when the header is absent, uses another scheme, or is
   * not valid base64.
   */
  public static Optional<String> user(String authorization) {
    if (!isBasic(authorization)) {
      return Optional.empty();
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(SCHEME.length()).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return Optional.of(colon >= 0 ? decoded.substring(0, colon) : decoded);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
