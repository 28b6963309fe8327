package io.rms.examples.order;

import io.rms.examples.support.ExampleApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The order service; its configuration is {@code order-service.yaml}. */
@SpringBootApplication
public class OrderServiceApplication {

  public static void main(String[] args) {
    application().run(args);
  }

  /** The application with its config name and the demo database bootstrap. */
  public static SpringApplication application() {
    return ExampleApplication.create(OrderServiceApplication.class, "order-service");
  }
}
