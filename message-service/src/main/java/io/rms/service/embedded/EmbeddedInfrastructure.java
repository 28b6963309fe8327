package io.rms.service.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the embedded engines that {@link EmbeddedMode} asks for (both in the zero-configuration
 * start, none when a database and a broker are configured, the missing one only with {@code
 * rms.embedded.enabled=true}) and points the application at them; a half configuration stops the
 * start here, before anything runs.
 */
public class EmbeddedInfrastructure
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment env = context.getEnvironment();
    EmbeddedMode mode = EmbeddedMode.of(env);
    boolean needDatabase = mode.database();
    boolean needBroker = mode.broker();
    if (!mode.active()) {
      return;
    }
    Path dataDir = Path.of(env.getProperty("rms.embedded.data-dir", "./data")).toAbsolutePath();
    Map<String, Object> props = new HashMap<>();
    props.put("rms.embedded.active", "true");
    // the demo producer (the example order-service) runs on this host
    if (!env.containsProperty("rms.check-back.allow-loopback")) {
      props.put("rms.check-back.allow-loopback", "true");
    }
    // the two engines start in parallel (each takes seconds); the broker's thread keeps this
    // thread's class loader, through which Qpid finds its plugins inside the executable jar
    CompletableFuture<EmbeddedBroker> broker = new CompletableFuture<>();
    if (needBroker) {
      int amqpPort = freePort(env.getProperty("rms.embedded.amqp-port", Integer.class, 5673));
      Thread starter =
          new Thread(
              () -> {
                try {
                  broker.complete(EmbeddedBroker.start(dataDir.resolve("broker"), amqpPort));
                } catch (Throwable e) {
                  broker.completeExceptionally(e);
                }
              },
              "rms-embedded-broker-start");
      starter.setContextClassLoader(Thread.currentThread().getContextClassLoader());
      starter.start();
    }
    if (needDatabase) {
      int port = freePort(env.getProperty("rms.embedded.postgres-port", Integer.class, 54329));
      EmbeddedDatabase db = EmbeddedDatabase.start(dataDir.resolve("postgres"), port);
      context.addApplicationListener(closing(db));
      props.put("spring.datasource.url", db.jdbcUrl());
      props.put("spring.datasource.username", "postgres");
      props.put("spring.datasource.password", "");
      log.info("embedded PostgreSQL on {} (data in {})", db.jdbcUrl(), dataDir.resolve("postgres"));
    }
    if (needBroker) {
      EmbeddedBroker started = broker.join();
      context.addApplicationListener(closing(started));
      props.put("spring.rabbitmq.host", "127.0.0.1");
      props.put("spring.rabbitmq.port", String.valueOf(started.port()));
      props.put("spring.rabbitmq.username", "guest");
      props.put("spring.rabbitmq.password", "guest");
      log.info(
          "embedded AMQP 0-9-1 broker (Qpid Broker-J, in memory) on 127.0.0.1:{}", started.port());
    }
    env.getPropertySources().addFirst(new MapPropertySource("rms-embedded", props));
  }

  /**
   * Closes {@code engine} once, when the context closes or when the start fails: a context whose
   * refresh failed is never active, so it publishes no {@link ContextClosedEvent}, and the engines'
   * threads and processes would keep the JVM of a failed start alive.
   */
  private static ApplicationListener<ApplicationEvent> closing(AutoCloseable engine) {
    AtomicBoolean closed = new AtomicBoolean();
    return event -> {
      boolean ending =
          event instanceof ContextClosedEvent || event instanceof ApplicationFailedEvent;
      if (!ending || !closed.compareAndSet(false, true)) {
        return;
      }
      try {
        engine.close();
      } catch (Exception e) {
        log.warn("closing embedded engine failed", e);
      }
    };
  }

  /** The preferred port if it is free, else (or when it is 0) any free port. */
  static int freePort(int preferred) {
    if (preferred <= 0) {
      return anyFreePort();
    }
    try (ServerSocket socket = new ServerSocket(preferred)) {
      socket.setReuseAddress(true);
      return preferred;
    } catch (IOException taken) {
      return anyFreePort();
    }
  }

  private static int anyFreePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
