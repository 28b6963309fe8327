package io.rms.producer;

import io.rms.api.Decision;

/**
 * Decides a check-back. The SDK's default answers from its prepared-message log: the id is there →
 * COMMIT; it is not and the message is older than the local transaction timeout → ROLLBACK;
 * otherwise UNKNOWN. Declare a bean of this type to answer from your own data instead.
 */
@FunctionalInterface
public interface CheckBackResolver {

  /** COMMIT if the local transaction committed, ROLLBACK if it never will, else UNKNOWN. */
  Decision resolve(CheckBackRequest request);
}
