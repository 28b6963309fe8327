package io.rms.service.recovery;

import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckBackPort;
import io.rms.recovery.PreparedMessage;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.message.MessageCommands;
import io.rms.service.message.MessageStore;
import io.rms.service.problem.RmsProblem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The check-back port on the message store: claims are {@link MessageStore#leaseDueChecks} leases;
 * each answer is a compare-and-set verb of the store ({@link MessageStore#countCheck}, {@link
 * MessageStore#markInDoubt}, {@link MessageStore#postponeCheck}) recorded as a {@code CHECK_BACK}
 * event in the same transaction; COMMIT and ROLLBACK then go through {@link MessageCommands} like
 * an operator's decision.
 */
@Component
class CheckBackAdapter implements CheckBackPort {
  private final MessageStore messages;
  private final EventStore events;
  private final MessageCommands commands;
  private final TransactionTemplate tx;

  CheckBackAdapter(
      MessageStore messages, EventStore events, MessageCommands commands, TransactionTemplate tx) {
    this.messages = messages;
    this.events = events;
    this.commands = commands;
    this.tx = tx;
  }

  @Override
  public List<PreparedMessage> claimDue(int limit, Duration lease) {
    return messages.leaseDueChecks(limit, lease);
  }

  @Override
  public boolean commit(PreparedMessage message, CheckAnswer answer) {
    return countCheck(message, answer, null)
        && applied(() -> commands.confirmAs(message.id(), EventStore.SYSTEM));
  }

  @Override
  public boolean rollback(PreparedMessage message, CheckAnswer answer) {
    return countCheck(message, answer, null)
        && applied(() -> commands.cancelAs(message.id(), EventStore.SYSTEM));
  }

  @Override
  public boolean retryLater(PreparedMessage message, CheckAnswer answer, Duration delay) {
    return countCheck(message, answer, delay);
  }

  @Override
  public boolean park(PreparedMessage message, CheckAnswer answer) {
    return inTx(
        () -> {
          if (!messages.markInDoubt(message.id(), message.checkCount())) {
            return false;
          }
          event(message, answer);
          events.append(
              message.id(),
              EventType.IN_DOUBT,
              null,
              EventStore.SYSTEM,
              Map.of("checkCount", message.checkCount() + 1));
          return true;
        });
  }

  @Override
  public void postpone(PreparedMessage message, Duration delay) {
    messages.postponeCheck(message.id(), message.checkCount(), delay);
  }

  /** Counts the check (next one due after {@code retryIn}, if given) and records it. */
  private boolean countCheck(PreparedMessage message, CheckAnswer answer, Duration retryIn) {
    return inTx(
        () -> {
          if (!messages.countCheck(message.id(), message.checkCount(), retryIn)) {
            return false;
          }
          event(message, answer);
          return true;
        });
  }

  /** Applies a decision; a conflict (recorded as a CONFLICT event by the command) is false. */
  private static boolean applied(Runnable decision) {
    try {
      decision.run();
      return true;
    } catch (RmsProblem conflict) {
      return false;
    }
  }

  private boolean inTx(java.util.function.BooleanSupplier work) {
    return Boolean.TRUE.equals(tx.execute(status -> work.getAsBoolean()));
  }

  private void event(PreparedMessage message, CheckAnswer answer) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("decision", answer.verdict().name());
    detail.put("checkCount", message.checkCount() + 1);
    if (answer.detail() != null) {
      detail.put("error", answer.detail());
    }
    events.append(message.id(), EventType.CHECK_BACK, null, EventStore.SYSTEM, detail);
  }
}
