package io.rms.service.message;

/**
 * Told when a publish's outcome (confirmed or failed) has been recorded, so a caller that bounds
 * its publishes in flight (the redelivery sweep) knows when one has landed.
 */
public interface PublishListener {

  /** The outcome of this publish is in the database. */
  void recorded(PublishRequest request);
}
