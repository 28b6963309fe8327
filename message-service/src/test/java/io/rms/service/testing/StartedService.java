package io.rms.service.testing;

import io.rms.service.RmsApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * A service that a test starts by hand, in a context of its own, on free ports: the API's port and
 * the management (actuator) port, which is a separate one. Closing it stops the service.
 *
 * <p>Each gets a Quartz scheduler name of its own: Quartz keeps a scheduler's data sources in a
 * JVM-wide registry by that name, so a started service named like the shared test context would,
 * once closed, leave that context's scheduler on a closed pool.
 */
public record StartedService(ConfigurableApplicationContext context, int port, int managementPort)
    implements AutoCloseable {
  private static final String SCHEDULER_NAME =
      "spring.quartz.properties.org.quartz.scheduler.instanceName";
  private static final AtomicInteger STARTED = new AtomicInteger();

  /** Runs the service with these arguments (see {@link ServiceArgs}) on free ports. */
  public static StartedService run(String... args) {
    return run(RmsApplication.application(), args);
  }

  /** Runs {@code application} with these arguments on free server and management ports. */
  public static StartedService run(SpringApplication application, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.stream().noneMatch(a -> a.contains(SCHEDULER_NAME))) {
      all.add("--" + SCHEDULER_NAME + "=rms-started-" + STARTED.incrementAndGet());
    }
    all.add("--server.port=0");
    all.add("--management.server.port=0");
    ConfigurableApplicationContext context = application.run(all.toArray(String[]::new));
    Environment environment = context.getEnvironment();
    return new StartedService(
        context,
        environment.getRequiredProperty("local.server.port", Integer.class),
        environment.getRequiredProperty("local.management.port", Integer.class));
  }

  @Override
  public void close() {
    context.close();
  }
}
