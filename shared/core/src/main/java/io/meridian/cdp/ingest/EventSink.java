package io.meridian.cdp.ingest;

import java.io.IOException;
import java.util.List;

/**
 * Where accepted events go before the API answers: the write-ahead spool locally, Kinesis on AWS.
 * When {@link #append} returns, the envelopes are durable; when it throws, none may be assumed
 * stored and the caller answers with an error so the client retries.
 */
public interface EventSink {
  void append(List<Envelope> envelopes) throws IOException;
}
