package io.rms.service.message;

import io.rms.service.problem.RmsProblem;
import java.util.List;

/**
 * The result of one command inside a transaction: the message as it now is, whether it was created,
 * the refusal (recorded, not thrown, so the transaction keeps its events), and the deliveries to
 * publish once the transaction has committed.
 */
record Outcome(
    StoredMessage message, boolean created, RmsProblem problem, List<PublishRequest> toPublish) {

  static Outcome of(StoredMessage message, boolean created, List<PublishRequest> toPublish) {
    return new Outcome(message, created, null, toPublish);
  }

  static Outcome unchanged(StoredMessage message) {
    return new Outcome(message, false, null, List.of());
  }

  static Outcome refused(StoredMessage message, RmsProblem problem) {
    return new Outcome(message, false, problem, List.of());
  }
}
