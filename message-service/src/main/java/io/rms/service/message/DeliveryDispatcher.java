package io.rms.service.message;

import java.util.List;

/**
 * The port through which committed deliveries are handed to the broker. Implementations publish
 * asynchronously and record the outcome (PUBLISHED after a positive confirm with no return, or the
 * failure); they never throw to the caller. A delivery they cannot publish stays SCHEDULED for the
 * redelivery sweep.
 */
public interface DeliveryDispatcher {

  /** Publishes the deliveries, called only after the transaction that created them committed. */
  void dispatch(List<PublishRequest> deliveries);
}
