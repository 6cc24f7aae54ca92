/**
 * Ingestion, independent of transport: {@link io.meridian.cdp.ingest.IngestService} turns one
 * Segment-compatible HTTP request into durable {@link io.meridian.cdp.ingest.Envelope}s handed to
 * an {@link io.meridian.cdp.ingest.EventSink} (a write-ahead spool locally, Kinesis on AWS) and
 * into the response the caller sees. The local HTTP server and the API Gateway Lambda both call it.
 */
package io.meridian.cdp.ingest;
