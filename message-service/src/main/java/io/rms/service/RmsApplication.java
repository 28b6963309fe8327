package io.rms.service;

import io.rms.service.embedded.EmbeddedInfrastructure;
import io.rms.service.migration.Migration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The reliable message service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RmsApplication {

  public static void main(String[] args) {
    if (Migration.requested(args, System.getenv())) {
      System.exit(Migration.run(args));
    }
    application().run(args);
  }

  /** The application with the embedded-infrastructure initializer (used by main and tests). */
  public static SpringApplication application() {
    SpringApplication app = new SpringApplication(RmsApplication.class);
    app.addInitializers(new EmbeddedInfrastructure());
    return app;
  }
}
