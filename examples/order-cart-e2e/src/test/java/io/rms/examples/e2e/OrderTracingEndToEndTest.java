package io.rms.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.examples.cart.CartServiceApplication;
import io.rms.examples.e2e.OtlpReceiver.ReceivedSpan;
import io.rms.examples.order.OrderServiceApplication;
import io.rms.producer.internal.Completer;
import io.rms.service.RmsApplication;
import io.rms.service.testing.Await;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.TestInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One order's trace, exported by all three processes over OTLP to a receiver in this JVM: the order
 * service's request and producer span, the service's prepare, confirm, publish and ack, the cart
 * service's consumer span, and, for an order whose producer "dies" before its confirm, the
 * service's check-back call and the order service's answer to it. Every span of the order shares
 * its trace id and hangs under the right parent.
 */
class OrderTracingEndToEndTest {
  private static final String SECRET = "e2e-check-back-secret-0123456789abc";
  private static final String SUBSCRIPTION = "cart.order-created";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ORDER_SERVICE = "order-service";
  private static final String SERVICE = "reliable-message-service";
  private static final String CART_SERVICE = "cart-service";

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final AtomicBoolean dropNextConfirm = new AtomicBoolean();

  @AfterEach
  void stop() {
    for (int i = contexts.size() - 1; i >= 0; i--) {
      contexts.get(i).close();
    }
  }

  private static final String EXCLUDE_SERVICE_STACK =
      String.join(
          ",",
          "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
          "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
          "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
          "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration");

  /** The completer of the order service, which forgets one confirm when told to. */
  private final class ForgetfulCompleter implements Completer, AutoCloseable {
    private final Completer real;

    ForgetfulCompleter(Completer real) {
      this.real = real;
    }

    @Override
    public void committed(UUID messageId) {
      if (!dropNextConfirm.getAndSet(false)) {
        real.committed(messageId);
      }
    }

    @Override
    public void rolledBack(UUID messageId) {
      real.rolledBack(messageId);
    }

    @Override
    public void close() throws Exception {
      if (real instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  @Test
  void oneOrdersSpansShareItsTraceFromTheOrderServiceThroughTheServiceToTheCart() throws Exception {
    TestInfra infra = TestInfra.get();
    infra.deleteAtExit(infra.queuePrefix + SUBSCRIPTION);
    try (OtlpReceiver collector = new OtlpReceiver()) {
      int servicePort = TestInfra.freePort();
      int orderPort = TestInfra.freePort();
      String serviceUrl = "http://127.0.0.1:" + servicePort;
      String[] tracing = {
        "--management.opentelemetry.tracing.export.otlp.endpoint=" + collector.endpoint(),
        "--management.opentelemetry.tracing.export.schedule-delay=100ms",
        "--logging.level.root=WARN"
      };

      ConfigurableApplicationContext service =
          RmsApplication.application()
              .run(
                  ServiceArgs.on(infra)
                      .with(
                          "--server.port=" + servicePort,
                          "--management.server.port=0",
                          "--rms.tracing.enabled=true",
                          "--rms.tracing.otlp-endpoint=" + collector.endpoint(),
                          "--management.opentelemetry.tracing.export.schedule-delay=100ms",
                          "--rms.apps[0].id=shop",
                          "--rms.apps[0].api-keys[0]=shop-key",
                          "--rms.apps[0].produces[0]=order.created",
                          "--rms.apps[0].check-back-url=http://127.0.0.1:"
                              + orderPort
                              + "/rms/check-back",
                          "--rms.apps[0].check-back-secret=" + SECRET,
                          "--rms.apps[1].id=cart",
                          "--rms.apps[1].api-keys[0]=cart-key",
                          "--rms.subscriptions[0].name=" + SUBSCRIPTION,
                          "--rms.subscriptions[0].topic=order.created",
                          "--rms.subscriptions[0].app=cart",
                          "--rms.check-back.allow-loopback=true",
                          "--rms.check-back.after=2s",
                          "--rms.recovery.interval=1s",
                          "--logging.level.root=WARN"));
      contexts.add(service);
      JdbcTemplate serviceDb = new JdbcTemplate(service.getBean(javax.sql.DataSource.class));

      SpringApplication orderApp = OrderServiceApplication.application();
      orderApp.addInitializers(
          context ->
              context
                  .getBeanFactory()
                  .addBeanPostProcessor(
                      new BeanPostProcessor() {
                        @Override
                        public Object postProcessAfterInitialization(Object bean, String name) {
                          return bean instanceof Completer c ? new ForgetfulCompleter(c) : bean;
                        }
                      }));
      contexts.add(
          orderApp.run(
              concat(
                  tracing,
                  "--server.port=" + orderPort,
                  "--management.server.port=0",
                  "--spring.datasource.url=" + infra.newDatabase("trace_orders"),
                  "--example.create-database=false",
                  "--rms.client.base-url=" + serviceUrl,
                  "--rms.client.api-key=shop-key",
                  "--rms.producer.check-back.secret=" + SECRET,
                  "--rms.producer.transaction-timeout=1s",
                  "--management.tracing.export.enabled=true",
                  "--spring.autoconfigure.exclude="
                      + EXCLUDE_SERVICE_STACK
                      + ",io.rms.consumer.autoconfigure.ConsumerAutoConfiguration")));
      ConfigurableApplicationContext cart =
          CartServiceApplication.application()
              .run(
                  concat(
                      tracing,
                      "--server.port=0",
                      "--management.server.port=0",
                      "--spring.datasource.url=" + infra.newDatabase("trace_cart"),
                      "--example.create-database=false",
                      "--spring.rabbitmq.host=" + infra.amqpHost,
                      "--spring.rabbitmq.port=" + infra.amqpPort,
                      "--rms.client.base-url=" + serviceUrl,
                      "--rms.client.api-key=cart-key",
                      "--rms.consumer.queue-prefix=" + infra.queuePrefix,
                      "--rms.consumer.ack-max-delay=50ms",
                      "--management.tracing.export.enabled=true",
                      "--spring.autoconfigure.exclude="
                          + EXCLUDE_SERVICE_STACK
                          + ",io.rms.producer.autoconfigure.ProducerAutoConfiguration"));
      contexts.add(cart);
      JdbcTemplate orderDb = new JdbcTemplate(contexts.get(1).getBean(javax.sql.DataSource.class));
      JdbcTemplate cartDb = new JdbcTemplate(cart.getBean(javax.sql.DataSource.class));
      orderDb.update("insert into stock values ('s0', 100)");
      cartDb.update("insert into cart_item values ('c1', 's0', 100)");

      // an order confirmed by the producer
      String trace = placeOrder(orderPort, serviceDb);
      List<ReceivedSpan> spans =
          awaitSpans(
              collector,
              trace,
              List.of(
                  span(ORDER_SERVICE, "SPAN_KIND_SERVER"),
                  span(ORDER_SERVICE, "rms.prepare order.created"),
                  span(SERVICE, "rms.prepare"),
                  span(SERVICE, "rms.confirm"),
                  span(SERVICE, "rms.publish"),
                  span(CART_SERVICE, "rms.consume " + SUBSCRIPTION),
                  span(SERVICE, "rms.ack")));
      print(spans);
      ReceivedSpan request = one(spans, ORDER_SERVICE, "SPAN_KIND_SERVER");
      ReceivedSpan producer = one(spans, ORDER_SERVICE, "rms.prepare order.created");
      ReceivedSpan publish = one(spans, SERVICE, "rms.publish");
      assertThat(request.parentSpanId()).as("the order request starts the trace").isEmpty();
      assertThat(producer.parentSpanId()).isEqualTo(request.spanId());
      assertThat(producer.kind()).isEqualTo("SPAN_KIND_PRODUCER");
      for (String step : List.of("rms.prepare", "rms.confirm", "rms.publish", "rms.ack")) {
        assertThat(one(spans, SERVICE, step).parentSpanId())
            .as("the service's %s continues the producer's span", step)
            .isEqualTo(producer.spanId());
      }
      assertThat(publish.kind()).isEqualTo("SPAN_KIND_PRODUCER");
      assertThat(publish.attributes()).containsEntry("rms.subscription", SUBSCRIPTION);
      ReceivedSpan consume = one(spans, CART_SERVICE, "rms.consume " + SUBSCRIPTION);
      assertThat(consume.kind()).isEqualTo("SPAN_KIND_CONSUMER");
      assertThat(consume.parentSpanId())
          .as("the cart's handler continues the publish (the AMQP traceparent header)")
          .isEqualTo(publish.spanId());

      // an order whose producer never confirms: the service checks back in the order's trace
      dropNextConfirm.set(true);
      String checked = placeOrder(orderPort, serviceDb);
      List<ReceivedSpan> checkedSpans =
          awaitSpans(
              collector,
              checked,
              List.of(
                  span(ORDER_SERVICE, "rms.prepare order.created"),
                  span(SERVICE, "rms.check-back"),
                  span(SERVICE, "rms.confirm"),
                  span(CART_SERVICE, "rms.consume " + SUBSCRIPTION),
                  s ->
                      s.service().equals(ORDER_SERVICE)
                          && s.kind().equals("SPAN_KIND_SERVER")
                          && !s.parentSpanId().isEmpty()));
      print(checkedSpans);
      ReceivedSpan checkedProducer = one(checkedSpans, ORDER_SERVICE, "rms.prepare order.created");
      ReceivedSpan checkBack = one(checkedSpans, SERVICE, "rms.check-back");
      assertThat(checkBack.kind()).isEqualTo("SPAN_KIND_CLIENT");
      assertThat(checkBack.parentSpanId()).isEqualTo(checkedProducer.spanId());
      assertThat(checkBack.attributes()).containsEntry("rms.decision", "COMMIT");
      assertThat(
              checkedSpans.stream()
                  .filter(s -> s.service().equals(ORDER_SERVICE))
                  .filter(s -> s.kind().equals("SPAN_KIND_SERVER"))
                  .filter(s -> s.parentSpanId().equals(checkBack.spanId())))
          .as("the order service answers the check-back inside the service's check-back span")
          .hasSize(1);
      assertThat(one(checkedSpans, SERVICE, "rms.confirm").parentSpanId())
          .isEqualTo(checkedProducer.spanId());
    }
  }

  /** Places an order over HTTP; answers the trace id the service stored with its message. */
  private static String placeOrder(int orderPort, JdbcTemplate serviceDb) throws Exception {
    List<String> before = serviceDb.queryForList("select id::text from message", String.class);
    HttpResponse<String> placed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orderPort + "/orders"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"customer\":\"c1\",\"lines\":[{\"sku\":\"s0\",\"quantity\":1}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    List<String> traceparents =
        serviceDb.queryForList(
            "select traceparent from message where not (id::text = any(?))",
            String.class,
            (Object) before.toArray(String[]::new));
    assertThat(traceparents).hasSize(1);
    assertThat(traceparents.get(0)).as("the order's message carries a trace").isNotNull();
    return traceparents.get(0).substring(3, 35);
  }

  private static Predicate<ReceivedSpan> span(String service, String nameOrKind) {
    return s ->
        s.service().equals(service) && (s.name().equals(nameOrKind) || s.kind().equals(nameOrKind));
  }

  private static List<ReceivedSpan> awaitSpans(
      OtlpReceiver collector, String trace, List<Predicate<ReceivedSpan>> expected) {
    try {
      Await.until(
          WAIT,
          "every expected span of trace " + trace,
          () -> expected.stream().allMatch(e -> collector.trace(trace).stream().anyMatch(e)));
    } catch (AssertionError missing) {
      System.err.println("spans of " + trace + ": " + collector.trace(trace));
      throw missing;
    }
    return collector.trace(trace);
  }

  private static ReceivedSpan one(List<ReceivedSpan> spans, String service, String nameOrKind) {
    List<ReceivedSpan> found = spans.stream().filter(span(service, nameOrKind)).toList();
    assertThat(found).as("%s spans named %s in %s", service, nameOrKind, spans).hasSize(1);
    return found.get(0);
  }

  /** The spans of a trace, one line each, for the test's output. */
  private static void print(List<ReceivedSpan> spans) {
    spans.forEach(
        s ->
            System.out.printf(
                "%s %s %-16s %-16s %-20s %s%n",
                s.traceId(), s.spanId(), s.parentSpanId(), s.kind(), s.service(), s.name()));
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
