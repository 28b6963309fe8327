package io.rms.producer;

import io.rms.api.Decision;

/**
 * Decides a check-back. The SDK's default answers from its prepared-message log: the id is there →
 * COMMIT; it is not and the message is older than the local transaction timeout → ROLLBACK;
 * otherwise UNKNOWN.
 *
 * <p>Declare a bean of this type to answer from your own data instead (e.g. {@link
 * BusinessRowResolver}: does the order of {@code businessKey} exist?). The SDK then keeps no log
 * ({@code rms.producer.prepared-log=auto}, the default): no insert per send, no cleaner, no table;
 * {@code on} keeps it. Answer ROLLBACK only when the transaction can no longer commit: its row is
 * absent <em>and</em> it is older than the longest it can run; a transaction still running when the
 * check-back arrives must get UNKNOWN (docs/sdk.md).
 */
@FunctionalInterface
public interface CheckBackResolver {

  /** COMMIT if the local transaction committed, ROLLBACK if it never will, else UNKNOWN. */
  Decision resolve(CheckBackRequest request);
}
