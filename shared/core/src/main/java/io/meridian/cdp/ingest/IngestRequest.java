package io.meridian.cdp.ingest;

import java.time.Instant;

/**
 * One HTTP request to the ingestion API, stripped of its transport.
 *
 * @param method HTTP method
 * @param path request path, such as {@code /v1/track}
 * @param contentType the Content-Type header or null
 * @param contentEncoding the Content-Encoding header or null ({@code gzip} is supported)
 * @param authorization the Authorization header or null
 * @param body the body bytes as received (possibly gzip-compressed)
 * @param receivedAt server time of receipt
 * @param requestId unique id of this request, echoed in the response
 */
public record IngestRequest(
    String method,
    String path,
    String contentType,
    String contentEncoding,
    String authorization,
    byte[] body,
    Instant receivedAt,
    String requestId) {}
