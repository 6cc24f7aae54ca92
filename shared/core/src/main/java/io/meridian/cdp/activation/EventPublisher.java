package io.meridian.cdp.activation;

import java.util.List;

/**
 * The activation bus (port). Locally an in-process bus that matches and delivers before returning;
 * on AWS the EventBridge bus {@code cdp-activation}, whose rules deliver asynchronously.
 */
public interface EventPublisher {
  /**
   * Publishes {@code events} and reports what happened to them per destination. Delivery is
   * at-least-once: publishing the same events again may deliver them again, with the same ids.
   * Never blocks beyond the publisher's deadline; what could not be delivered by then is
   * dead-lettered and counted.
   */
  PublishReport publish(List<ActivationEvent> events);
}
