package io.rms.service.recovery;

import io.rms.api.MessageStatus;
import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckBackPort;
import io.rms.recovery.PreparedMessage;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.message.MessageCommands;
import io.rms.service.message.MessageLifecycle;
import io.rms.service.problem.RmsProblem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The check-back port on PostgreSQL. A claim is one statement: it picks due PREPARED messages with
 * {@code FOR UPDATE SKIP LOCKED} (index {@code message_check_due}) and moves their {@code
 * next_check_at} a lease ahead before committing, so the row lock is held for milliseconds and the
 * lease, not the lock, keeps other instances away while the producer is asked. Every outcome
 * compares-and-sets on {@code status} and {@code check_count}.
 */
@Repository
class CheckBackStore implements CheckBackPort {
  private final JdbcTemplate jdbc;
  private final EventStore events;
  private final MessageCommands commands;
  private final TransactionTemplate tx;

  CheckBackStore(
      JdbcTemplate jdbc, EventStore events, MessageCommands commands, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.events = events;
    this.commands = commands;
    this.tx = tx;
  }

  @Override
  public List<PreparedMessage> claimDue(int limit, Duration lease) {
    return jdbc.query(
        """
        with due as (
          select id from message
           where status = 'PREPARED' and next_check_at <= now()
           order by next_check_at
           limit ?
             for update skip locked
        )
        update message m
           set next_check_at = now() + ? * interval '1 millisecond'
          from due
         where m.id = due.id
        returning m.id, m.app_id, m.producer_message_id, m.topic, m.business_key, m.created_at,
                  m.check_count
        """,
        (rs, i) ->
            new PreparedMessage(
                rs.getObject("id", UUID.class),
                rs.getString("app_id"),
                rs.getString("producer_message_id"),
                rs.getString("topic"),
                rs.getString("business_key"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getInt("check_count")),
        limit,
        lease.toMillis());
  }

  @Override
  public boolean commit(PreparedMessage message, CheckAnswer answer) {
    if (!countCheck(message, answer)) {
      return false;
    }
    try {
      commands.confirmAs(message.id(), EventStore.SYSTEM);
      return true;
    } catch (RmsProblem conflict) {
      return false; // recorded as a CONFLICT event by the command
    }
  }

  @Override
  public boolean rollback(PreparedMessage message, CheckAnswer answer) {
    if (!countCheck(message, answer)) {
      return false;
    }
    try {
      commands.cancelAs(message.id(), EventStore.SYSTEM);
      return true;
    } catch (RmsProblem conflict) {
      return false;
    }
  }

  @Override
  public boolean retryLater(PreparedMessage message, CheckAnswer answer, Duration delay) {
    return Boolean.TRUE.equals(
        tx.execute(
            status -> {
              boolean won =
                  jdbc.update(
                          """
                          update message
                             set check_count = check_count + 1,
                                 next_check_at = now() + ? * interval '1 millisecond'
                           where id = ? and status = 'PREPARED' and check_count = ?
                          """,
                          delay.toMillis(),
                          message.id(),
                          message.checkCount())
                      == 1;
              if (won) {
                event(message, answer);
              }
              return won;
            }));
  }

  @Override
  public boolean park(PreparedMessage message, CheckAnswer answer) {
    MessageLifecycle.check(MessageStatus.PREPARED, MessageStatus.IN_DOUBT);
    return Boolean.TRUE.equals(
        tx.execute(
            status -> {
              boolean won =
                  jdbc.update(
                          """
                          update message
                             set status = 'IN_DOUBT', check_count = check_count + 1,
                                 next_check_at = null
                           where id = ? and status = any(?::text[]) and check_count = ?
                          """,
                          message.id(),
                          MessageLifecycle.sources(MessageStatus.IN_DOUBT).stream()
                              .map(Enum::name)
                              .toArray(String[]::new),
                          message.checkCount())
                      == 1;
              if (won) {
                event(message, answer);
                events.append(
                    message.id(),
                    EventType.IN_DOUBT,
                    null,
                    EventStore.SYSTEM,
                    Map.of("checkCount", message.checkCount() + 1));
              }
              return won;
            }));
  }

  @Override
  public void postpone(PreparedMessage message, Duration delay) {
    jdbc.update(
        """
        update message set next_check_at = now() + ? * interval '1 millisecond'
         where id = ? and status = 'PREPARED' and check_count = ?
        """,
        delay.toMillis(),
        message.id(),
        message.checkCount());
  }

  /** Counts the check (compare-and-set) and records it, before a decision is applied. */
  private boolean countCheck(PreparedMessage message, CheckAnswer answer) {
    return Boolean.TRUE.equals(
        tx.execute(
            status -> {
              boolean won =
                  jdbc.update(
                          """
                          update message set check_count = check_count + 1
                           where id = ? and status = 'PREPARED' and check_count = ?
                          """,
                          message.id(),
                          message.checkCount())
                      == 1;
              if (won) {
                event(message, answer);
              }
              return won;
            }));
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
