package io.rms.bench.consumer;

import io.rms.bench.tracing.AppTracing;
import io.rms.consumer.MessageMetadata;
import io.rms.consumer.ReliableMessageListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The consumer application of the {@code sdk} scenario, started by the harness as a JVM of its own
 * so that its CPU is a party of its own: the consumer SDK (inbox in this app's database, batched
 * acks) and a handler that records each message it handles in {@code handled}. That table has no
 * unique key, so a message handled twice shows as two rows (a replay's delivery is a row with its
 * {@code replay_id}). When the listeners run, the app writes the file {@code bench.ready-file}.
 */
@SpringBootApplication(exclude = io.rms.producer.autoconfigure.ProducerAutoConfiguration.class)
public class BenchConsumerApp {
  /** The subscription the service delivers the {@code sdk} scenario's topic to. */
  public static final String SUBSCRIPTION = "bench.sdk";

  public static void main(String[] args) throws Exception {
    SpringApplication app = new SpringApplication(BenchConsumerApp.class);
    Map<String, Object> defaults = new HashMap<>(AppTracing.off());
    defaults.put("spring.main.banner-mode", "off");
    defaults.put("spring.main.web-application-type", "none");
    defaults.put("spring.application.name", "bench-consumer");
    app.setDefaultProperties(defaults);
    var context = app.run(args);
    String ready = context.getEnvironment().getProperty("bench.ready-file");
    if (ready != null) {
      Files.writeString(Path.of(ready), "ready");
    }
  }

  /**
   * The handler: one row per handled message with the time the handler started (epoch microseconds,
   * the same clock the producer stamps its commits with) and, for a replayed delivery, the replay's
   * id, so the harness keeps replays out of the live figures.
   */
  @Component
  static class OrderListener {
    private final JdbcTemplate jdbc;

    OrderListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
      jdbc.execute(
          "create table if not exists handled (key text not null, message_id uuid not null,"
              + " attempt int not null, handler_start_us bigint not null, replay_id text)");
      jdbc.execute("create index if not exists handled_start on handled (handler_start_us)");
    }

    @ReliableMessageListener(subscription = SUBSCRIPTION, concurrency = 8)
    void on(Order order, MessageMetadata meta) {
      long startMicros = epochMicros();
      jdbc.update(
          "insert into handled (key, message_id, attempt, handler_start_us, replay_id)"
              + " values (?, ?, ?, ?, ?)",
          order.key(),
          meta.messageId(),
          meta.attempt(),
          startMicros,
          meta.replayId());
    }
  }

  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  /** The message body: the business key, a sequence number and ~1 KiB of padding. */
  record Order(String key, long n, String pad) {}
}
