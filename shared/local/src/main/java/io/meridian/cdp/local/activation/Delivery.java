package io.meridian.cdp.local.activation;

/**
 * One event on its way to one destination.
 *
 * @param eventId the event id (the receivers' de-duplication key)
 * @param deliveryId stable for this event and destination, across attempts and re-publishes
 * @param body the mapped payload, UTF-8 JSON
 */
record Delivery(String eventId, String deliveryId, byte[] body) {}
