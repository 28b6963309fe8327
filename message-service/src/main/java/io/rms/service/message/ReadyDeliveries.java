package io.rms.service.message;

import java.util.Set;

/**
 * Told when deliveries of subscriptions the service does not publish to (pull subscriptions) have
 * become ready on this replica, so that waiting consumers can be answered at once.
 */
public interface ReadyDeliveries {

  /** Deliveries of these subscriptions became ready (committed, due now). */
  void ready(Set<String> subscriptions);
}
