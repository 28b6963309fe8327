package io.rms.bench.producer;

import io.rms.producer.ReliableMessenger;
import io.rms.producer.SendOptions;
import java.time.Instant;
import java.util.function.LongConsumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The business transaction: insert an order row and send its message through the SDK in one local
 * transaction, as users write it.
 */
@Service
public class Orders {
  /** The topic the orders' messages are sent on. */
  public static final String TOPIC = "bench.sdk";

  /** The topic of the {@code pull} scenario (property {@code bench.topic}). */
  public static final String PULL_TOPIC = "bench.pull";

  private static final String PAD = "x".repeat(960);

  private final JdbcTemplate jdbc;
  private final ReliableMessenger messenger;
  private final String topic;

  Orders(
      JdbcTemplate jdbc,
      ReliableMessenger messenger,
      @Value("${bench.topic:" + TOPIC + "}") String topic) {
    this.jdbc = jdbc;
    this.messenger = messenger;
    this.topic = topic;
    jdbc.execute(
        "create table if not exists orders (key text primary key, n bigint not null,"
            + " created_at timestamptz not null default now())");
  }

  /**
   * Places order {@code n} under {@code key}; {@code committedAt} gets the commit time in epoch
   * microseconds right after the commit. With {@code rollBack} the transaction throws {@link
   * RolledBack} after the send, so the order and its message must both vanish.
   */
  @Transactional
  public void place(String key, long n, boolean rollBack, LongConsumer committedAt) {
    jdbc.update("insert into orders (key, n) values (?, ?)", key, n);
    messenger.send(topic, new Order(key, n, PAD), SendOptions.businessKey(key));
    finish(rollBack, committedAt);
  }

  /**
   * {@link #place} without the message: the order row, the commit stamp and, with {@code rollBack},
   * the rollback, as in {@link #place}, but no SDK call, so the business transaction and the
   * generator are measured alone (the {@code sdk-generator} scenario).
   */
  @Transactional
  public void placeWithoutMessage(String key, long n, boolean rollBack, LongConsumer committedAt) {
    jdbc.update("insert into orders (key, n) values (?, ?)", key, n);
    finish(rollBack, committedAt);
  }

  private static void finish(boolean rollBack, LongConsumer committedAt) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public int getOrder() {
            return HIGHEST_PRECEDENCE; // stamped before the SDK's own after-commit work
          }

          @Override
          public void afterCommit() {
            committedAt.accept(epochMicros());
          }
        });
    if (rollBack) {
      throw new RolledBack();
    }
  }

  /** True when order {@code key} is committed (read outside any business transaction). */
  public boolean exists(String key) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "select exists (select 1 from orders where key = ?)", Boolean.class, key));
  }

  public static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  /** The message body. */
  public record Order(String key, long n, String pad) {}

  /** Thrown to roll a business transaction back on purpose. */
  public static final class RolledBack extends RuntimeException {
    RolledBack() {
      super("rolled back on purpose", null, false, false);
    }
  }
}
