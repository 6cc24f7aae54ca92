package io.meridian.cdp.ingest;

import java.util.Map;

/**
 * What the API answers.
 *
 * @param status HTTP status
 * @param body JSON body
 * @param headers extra headers such as {@code Retry-After}
 * @param stored number of events made durable by this request
 */
public record IngestResponse(int status, String body, Map<String, String> headers, int stored) {
  public IngestResponse {
    headers = Map.copyOf(headers);
  }
}
