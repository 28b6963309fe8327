package io.rms.bench.producer;

import io.rms.bench.tracing.AppTracing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The producer application of the {@code sdk} scenario, run inside the harness's JVM: the producer
 * SDK's starter ({@code rms.client.*} points to the service) and {@link Orders} on a DataSource of
 * the producer's own database. No web server, so no check-back endpoint. With {@code
 * bench.own-resolver=true}, {@link OrdersCheckBack} answers check-back and the SDK keeps no log.
 * Tracing is off unless a tracing lever's properties turn it on ({@link AppTracing}); {@link
 * PlacedOrders} then starts each order's trace.
 */
@SpringBootApplication(
    exclude = {
      org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration.class,
      io.rms.consumer.autoconfigure.ConsumerAutoConfiguration.class
    })
public class BenchProducerApp {

  /** Starts the application context with {@code properties} as command-line arguments. */
  public static ConfigurableApplicationContext start(Map<String, String> properties) {
    SpringApplication app = new SpringApplication(BenchProducerApp.class);
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("spring.main.banner-mode", "off");
    defaults.put("spring.main.web-application-type", "none");
    defaults.put("rms.producer.check-back.enabled", "false");
    defaults.put("spring.application.name", "bench-producer");
    defaults.putAll(AppTracing.off());
    app.setDefaultProperties(defaults);
    List<String> args = new ArrayList<>();
    properties.forEach((k, v) -> args.add("--" + k + "=" + v));
    return app.run(args.toArray(String[]::new));
  }
}
