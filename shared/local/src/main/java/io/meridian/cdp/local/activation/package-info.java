/**
 * The local activation bus: {@link io.meridian.cdp.local.activation.LocalEventBus} matches each
 * event against its tenant's destination patterns (event-ruler), drops profiles without consent,
 * and hands each delivery to the destination's own lane — a bounded pool of workers with a {@code
 * Deliverer} (signed webhook with retries, backoff and a dead-letter file, or a JSON Lines file
 * sink) — so that one slow or failing destination never delays another. A run never outlasts its
 * deadline. {@link io.meridian.cdp.local.activation.LocalSecretStore} resolves signing secrets from
 * owner-only files or environment variables; {@link
 * io.meridian.cdp.local.activation.WebhookReceiver} is a verifying receiver for the demo and
 * end-to-end tests. See docs/ACTIVATION.md.
 */
package io.meridian.cdp.local.activation;
