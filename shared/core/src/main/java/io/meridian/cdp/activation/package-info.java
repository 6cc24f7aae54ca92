/**
 * Activation: telling downstream tools who entered and who left a segment. A membership change
 * becomes an {@link io.meridian.cdp.activation.ActivationEvent} (EventBridge envelope, contract in
 * {@code events/segment-membership-changed/}), built by {@link
 * io.meridian.cdp.activation.MembershipChangeEvents}; an {@link
 * io.meridian.cdp.activation.EventPublisher} (in-process bus locally, EventBridge on AWS) matches
 * it against each tenant's {@link io.meridian.cdp.activation.DestinationConfig destinations} with
 * EventBridge's own pattern matcher (event-ruler), drops profiles without consent for the
 * destination's purpose, maps the payload and hands it to a deliverer. Delivery is at-least-once;
 * the deterministic event id lets receivers de-duplicate. See docs/ACTIVATION.md.
 */
package io.meridian.cdp.activation;
