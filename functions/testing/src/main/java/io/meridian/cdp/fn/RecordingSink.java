package io.meridian.cdp.fn;

import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EventSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventSink} standing in for Kinesis: keeps what it is given, or refuses everything. */
public final class RecordingSink implements EventSink {
  public final List<Envelope> envelopes = new ArrayList<>();
  private final boolean available;

  private RecordingSink(boolean available) {
    this.available = available;
  }

  public static RecordingSink working() {
    return new RecordingSink(true);
  }

  public static RecordingSink unavailable() {
    return new RecordingSink(false);
  }

  @Override
  public void append(List<Envelope> batch) throws IOException {
    if (!available) {
      throw new IOException("3 of 3 records could not be written to Kinesis stream cdp-events");
    }
    envelopes.addAll(batch);
  }
}
