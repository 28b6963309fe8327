package io.rms.examples.cart;

import io.rms.examples.support.ExampleApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The cart service; its configuration is {@code cart-service.yaml}. */
@SpringBootApplication
public class CartServiceApplication {

  public static void main(String[] args) {
    application().run(args);
  }

  /** The application with its config name and the demo database bootstrap. */
  public static SpringApplication application() {
    return ExampleApplication.create(CartServiceApplication.class, "cart-service");
  }
}
