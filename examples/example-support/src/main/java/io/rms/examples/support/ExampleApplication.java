package io.rms.examples.support;

import java.util.Map;
import org.springframework.boot.SpringApplication;

/** Builds an example service's {@link SpringApplication}. */
public final class ExampleApplication {
  private ExampleApplication() {}

  /**
   * The application of {@code source}, configured by {@code <configName>.yaml}, that creates its
   * demo database first when asked to ({@link CreateDatabase}).
   */
  public static SpringApplication create(Class<?> source, String configName) {
    SpringApplication app = new SpringApplication(source);
    app.setDefaultProperties(Map.of("spring.config.name", configName));
    app.addListeners(new CreateDatabase());
    return app;
  }
}
