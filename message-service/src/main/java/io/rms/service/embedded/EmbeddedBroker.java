package io.rms.service.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

/**
 * An embedded AMQP 0-9-1 broker (Apache Qpid Broker-J, memory store, user guest/guest). Unlike
 * RabbitMQ it rejects {@code x-} queue arguments and answers an unroutable mandatory publish with
 * nack-then-return; the dispatcher handles both orders.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private final SystemLauncher launcher;
  private final int port;

  private EmbeddedBroker(SystemLauncher launcher, int port) {
    this.launcher = launcher;
    this.port = port;
  }

  /** Starts the broker on 127.0.0.1:{@code port}, its work files in {@code workDir}. */
  public static EmbeddedBroker start(Path workDir, int port) {
    try {
      Files.createDirectories(workDir);
      Map<String, String> context = new HashMap<>();
      context.put("qpid.work_dir", workDir.toString());
      context.put("qpid.amqp_port", String.valueOf(port));
      Map<String, Object> attributes = new HashMap<>();
      attributes.put(SystemConfig.TYPE, "Memory");
      // copied to a file: Qpid cannot read a resource nested in the executable jar
      Path config = workDir.resolve("initial-config.json");
      try (var in = EmbeddedBroker.class.getResourceAsStream("/embedded/qpid-config.json")) {
        Files.copy(in, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toUri().toString());
      // Qpid's default "classpath:" URL protocol is unknown inside Spring Boot's executable jar
      Path systemProperties = workDir.resolve("system.properties");
      Files.writeString(systemProperties, "");
      attributes.put(
          SystemConfig.INITIAL_SYSTEM_PROPERTIES_LOCATION, systemProperties.toUri().toString());
      attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
      attributes.put(SystemConfig.CONTEXT, context);
      SystemLauncher launcher = new SystemLauncher();
      launcher.startup(attributes);
      return new EmbeddedBroker(launcher, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the embedded broker in " + workDir, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded AMQP broker", e);
    }
  }

  /** The AMQP port. */
  public int port() {
    return port;
  }

  @Override
  public void close() {
    launcher.shutdown();
  }
}
