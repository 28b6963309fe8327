package io.rms.e2e.consumer;

import io.rms.consumer.MessageMetadata;
import io.rms.consumer.ReliableMessageListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The suite's consumer process: the consumer SDK (inbox, batched acks) on its own database; the
 * handler's effect is a row in {@code effect}, which has no unique key, so a second effect of one
 * message would show as a second row (I3); each row records the replay it came from ({@code
 * MessageMetadata.replayId()}, null for a first delivery). A key ending in {@code -poison} always
 * fails. While the file {@code e2e.lose-effects-file} exists (s18) the handler has a "bug": it
 * returns normally without its effect, so the message is acked and its effect lost; it notes the
 * key in {@code lost_effect} (in the inbox's transaction) so that the test knows what the bug ate.
 */
@SpringBootApplication(exclude = io.rms.producer.autoconfigure.ProducerAutoConfiguration.class)
public class ConsumerApp {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(ConsumerApp.class);
    app.setDefaultProperties(
        Map.of("spring.main.banner-mode", "off", "spring.main.web-application-type", "none"));
    app.run(args);
  }

  /** The handler. */
  @Component
  static class EffectListener {
    private final JdbcTemplate jdbc;
    private final Path loseEffects;

    EffectListener(JdbcTemplate jdbc, @Value("${e2e.lose-effects-file:}") String loseEffects) {
      this.jdbc = jdbc;
      this.loseEffects = loseEffects.isEmpty() ? null : Path.of(loseEffects);
      jdbc.execute(
          "create table if not exists effect (key text not null, message_id uuid not null,"
              + " attempt int not null, at timestamptz not null default clock_timestamp())");
      jdbc.execute("create index if not exists effect_key on effect (key)");
      // the ordered subscription's effects also record the key and place the service gave them
      jdbc.execute("alter table effect add column if not exists ordering_key text");
      jdbc.execute("alter table effect add column if not exists sequence bigint");
      jdbc.execute("alter table effect add column if not exists replay_id text");
      jdbc.execute(
          "create table if not exists lost_effect (key text not null, message_id uuid not null,"
              + " at timestamptz not null default clock_timestamp())");
    }

    @ReliableMessageListener(subscription = "e2e.s", concurrency = 4)
    void on(Payload payload, MessageMetadata meta) {
      if (payload.key().endsWith("-poison")) {
        throw new IllegalStateException("poison message " + payload.key() + ": handler fails");
      }
      if (loseEffects != null && Files.exists(loseEffects)) {
        jdbc.update(
            "insert into lost_effect (key, message_id) values (?, ?)",
            payload.key(),
            meta.messageId());
        return; // the bug: acked, no effect
      }
      jdbc.update(
          "insert into effect (key, message_id, attempt, replay_id) values (?, ?, ?, ?)",
          payload.key(),
          meta.messageId(),
          meta.attempt(),
          meta.replayId());
    }
  }

  /** The ordered subscription's handler: the same effect, with its ordering key and sequence. */
  @Component
  static class OrderedEffectListener {
    private final JdbcTemplate jdbc;

    OrderedEffectListener(JdbcTemplate jdbc, EffectListener schema) {
      this.jdbc = jdbc;
    }

    @ReliableMessageListener(subscription = "e2e.ordered", concurrency = 4)
    void on(Payload payload, MessageMetadata meta) {
      jdbc.update(
          "insert into effect (key, message_id, attempt, ordering_key, sequence)"
              + " values (?, ?, ?, ?, ?)",
          payload.key(),
          meta.messageId(),
          meta.attempt(),
          meta.orderingKey(),
          meta.sequence());
    }
  }

  /** The message body. */
  record Payload(String key) {}
}
