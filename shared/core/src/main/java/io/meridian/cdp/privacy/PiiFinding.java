package io.meridian.cdp.privacy;

/**
 * Personal data found in a JSON document: the JSON path of the value (a field name that itself
 * holds personal data is shown as {@code {key}}), the kind, and a masked form such as {@code
 * a***@e***.com} that never reveals the value.
 */
public record PiiFinding(String path, PiiKind kind, String masked) {}
