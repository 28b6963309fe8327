package io.rms.e2e.producer;

import io.rms.producer.internal.BatchingCompleter;
import io.rms.producer.internal.Completer;
import io.rms.sdk.client.ResilientRmsClient;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The suite's producer process: a business table and the producer SDK (its log table and signed
 * check-back endpoint) on its own database, driven over HTTP by the harness ({@link
 * LoadController}).
 */
@SpringBootApplication(
    exclude = {
      org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration.class,
      io.rms.consumer.autoconfigure.ConsumerAutoConfiguration.class
    })
public class ProducerApp {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(ProducerApp.class);
    app.setDefaultProperties(Map.of("spring.main.banner-mode", "off"));
    app.run(args);
  }

  @Bean
  Schema schema(JdbcTemplate jdbc) {
    jdbc.execute(
        "create table if not exists attempt (key text primary key, at timestamptz not null"
            + " default clock_timestamp())");
    jdbc.execute(
        "create table if not exists business (key text primary key, message_id uuid not null,"
            + " at timestamptz not null default clock_timestamp())");
    return new Schema();
  }

  /** Marks that the tables exist. */
  static final class Schema {}

  /**
   * The SDK's completer, with a switch that drops confirms and cancels: the harness turns it on
   * right before it kills the process, so that the process "dies" between its local commit and the
   * confirm for every transaction in flight (no race with the background confirm).
   */
  @Bean
  HoldableCompleter holdableCompleter(ResilientRmsClient client) {
    return new HoldableCompleter(new BatchingCompleter(client, 2, 200, 100_000));
  }

  /** Confirms and cancels through the SDK's completer unless holding. */
  public static final class HoldableCompleter implements Completer, AutoCloseable {
    private final BatchingCompleter delegate;
    private final AtomicBoolean holding = new AtomicBoolean();

    HoldableCompleter(BatchingCompleter delegate) {
      this.delegate = delegate;
    }

    void hold(boolean on) {
      holding.set(on);
    }

    @Override
    public void committed(UUID messageId) {
      if (!holding.get()) {
        delegate.committed(messageId);
      }
    }

    @Override
    public void rolledBack(UUID messageId) {
      if (!holding.get()) {
        delegate.rolledBack(messageId);
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
