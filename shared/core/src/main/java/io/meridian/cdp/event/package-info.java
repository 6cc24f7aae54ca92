/**
 * The Segment-compatible event model: call types, limits, validation against the JSON Schema in
 * {@code events/segment-call/}, and the stable reason codes that explain every rejection. Both the
 * ingestion API and the raw-to-clean stage use the same validator, so a problem reported to a
 * caller is the problem recorded in quarantine.
 */
package io.meridian.cdp.event;
