package io.rms.examples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.rms.consumer.internal.ListenerContainers;
import io.rms.consumer.internal.ListenerStats;
import io.rms.examples.cart.CartService;
import io.rms.examples.cart.CartServiceApplication;
import io.rms.examples.order.OrderLine;
import io.rms.examples.order.OrderService;
import io.rms.examples.order.OrderServiceApplication;
import io.rms.examples.order.OutOfStockException;
import io.rms.producer.internal.Completer;
import io.rms.service.RmsApplication;
import io.rms.service.testing.Await;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The order/cart scenario end to end: the service, the example order service (producer) and the
 * example cart service (consumer) in one JVM, each with its own PostgreSQL database, on the real
 * broker. A share of the orders roll back after their message was prepared, for a share the
 * producer "dies" between its local commit (or rollback) and the confirm (or cancel), so only
 * check-back can resolve them, and the cart fails on the first delivery of a share of the orders.
 * Afterwards every committed order has left the cart exactly once, no rolled-back order ever did,
 * and nothing is left unresolved.
 */
class OrderCartEndToEndTest {
  private static final int ORDERS = Integer.getInteger("e2e.orders", 2000);
  private static final int CONSUMER_FAILS_EVERY = Integer.getInteger("e2e.consumer-fails-every", 7);
  private static final int REPLAYED_DUPLICATES = 200;
  private static final String SECRET = "e2e-check-back-secret-0123456789abc";
  private static final String QUEUE_SUB = "cart.order-created";
  private static final int CUSTOMERS = 20;
  private static final String[] SKUS = {"s0", "s1", "s2", "s3", "s4"};
  private static final int START_QUANTITY = 1_000_000;
  private static final Duration RESOLVE_WITHIN =
      Duration.ofSeconds(Integer.getInteger("e2e.resolve-within-seconds", 240));

  /** True on the business thread while the producer is to "die" after its local transaction. */
  static final ThreadLocal<Boolean> DYING = ThreadLocal.withInitial(() -> false);

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final Set<UUID> abandonedCommitted = ConcurrentHashMap.newKeySet();
  private final Set<UUID> abandonedRolledBack = ConcurrentHashMap.newKeySet();
  private final Set<Long> consumerFailedOnce = ConcurrentHashMap.newKeySet();

  /** The completer of a producer that dies right after its local transaction, when told to. */
  final class DyingCompleter implements Completer, AutoCloseable {
    private final Completer real;

    DyingCompleter(Completer real) {
      this.real = real;
    }

    @Override
    public void committed(UUID messageId) {
      if (DYING.get()) {
        abandonedCommitted.add(messageId);
      } else {
        real.committed(messageId);
      }
    }

    @Override
    public void rolledBack(UUID messageId) {
      if (DYING.get()) {
        abandonedRolledBack.add(messageId);
      } else {
        real.rolledBack(messageId);
      }
    }

    @Override
    public void close() throws Exception {
      if (real instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  private record Planned(int index, String customer, List<OrderLine> lines, boolean dies) {}

  private record Committed(long orderId, Planned plan) {}

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

  @Test
  void everyCommittedOrderLeavesTheCartExactlyOnceAndNoRolledBackOrderEverDoes() throws Exception {
    TestInfra infra = TestInfra.get();
    infra.deleteAtExit(infra.queuePrefix + QUEUE_SUB);
    int servicePort = TestInfra.freePort();
    int orderPort = TestInfra.freePort();
    String serviceUrl = "http://127.0.0.1:" + servicePort;
    String checkBackUrl = "http://127.0.0.1:" + orderPort + "/rms/check-back";

    // the reliable message service, with a producer app whose check-back URL is the order service
    ConfigurableApplicationContext service =
        RmsApplication.application()
            .run(
                ServiceArgs.on(infra)
                    .with(
                        "--server.port=" + servicePort,
                        "--management.server.port=0",
                        "--rms.apps[0].id=shop",
                        "--rms.apps[0].api-keys[0]=shop-key",
                        "--rms.apps[0].produces[0]=order.created",
                        "--rms.apps[0].check-back-url=" + checkBackUrl,
                        "--rms.apps[0].check-back-secret=" + SECRET,
                        "--rms.apps[1].id=cart",
                        "--rms.apps[1].api-keys[0]=cart-key",
                        "--rms.subscriptions[0].name=" + QUEUE_SUB,
                        "--rms.subscriptions[0].topic=order.created",
                        "--rms.subscriptions[0].app=cart",
                        "--rms.subscriptions[0].ack-timeout=20s",
                        "--rms.subscriptions[0].max-attempts=20",
                        "--rms.subscriptions[0].backoff.initial=200ms",
                        "--rms.subscriptions[0].backoff.max=2s",
                        "--rms.check-back.allow-loopback=true",
                        "--rms.check-back.after=3s",
                        "--rms.check-back.backoff.initial=1s",
                        "--rms.check-back.backoff.max=2s",
                        "--rms.recovery.interval=1s",
                        "--logging.level.root=WARN"));
    contexts.add(service);
    JdbcTemplate serviceDb = new JdbcTemplate(service.getBean(javax.sql.DataSource.class));

    // the order service (producer); its completer "dies" for the orders the plan says
    SpringApplication orderApp = OrderServiceApplication.application();
    orderApp.addInitializers(
        wrapping(bean -> bean instanceof Completer c ? new DyingCompleter(c) : bean));
    ConfigurableApplicationContext orders =
        orderApp.run(
            "--server.port=" + orderPort,
            "--management.server.port=0",
            "--spring.datasource.url=" + infra.newDatabase("e2e_orders"),
            "--spring.datasource.hikari.maximum-pool-size=12",
            "--example.create-database=false",
            "--rms.client.base-url=" + serviceUrl,
            "--rms.client.api-key=shop-key",
            "--rms.producer.check-back.secret=" + SECRET,
            "--rms.producer.transaction-timeout=2s",
            "--rms.producer.completion-threads=4",
            "--spring.autoconfigure.exclude="
                + EXCLUDE_SERVICE_STACK
                + ",io.rms.consumer.autoconfigure.ConsumerAutoConfiguration",
            "--logging.level.root=WARN");
    contexts.add(orders);

    // the cart service (consumer); its cart fails once on every n-th order
    SpringApplication cartApp = CartServiceApplication.application();
    cartApp.addInitializers(wrapping(bean -> bean instanceof CartService c ? flaky(c) : bean));
    ConfigurableApplicationContext cart =
        cartApp.run(
            "--server.port=0",
            "--management.server.port=0",
            "--spring.datasource.url=" + infra.newDatabase("e2e_cart"),
            "--example.create-database=false",
            "--spring.rabbitmq.host=" + infra.amqpHost,
            "--spring.rabbitmq.port=" + infra.amqpPort,
            "--rms.client.base-url=" + serviceUrl,
            "--rms.client.api-key=cart-key",
            "--rms.consumer.queue-prefix=" + infra.queuePrefix,
            "--rms.consumer.ack-max-delay=100ms",
            "--spring.autoconfigure.exclude="
                + EXCLUDE_SERVICE_STACK
                + ",io.rms.producer.autoconfigure.ProducerAutoConfiguration",
            "--logging.level.root=WARN");
    contexts.add(cart);

    JdbcTemplate orderDb = new JdbcTemplate(orders.getBean(javax.sql.DataSource.class));
    JdbcTemplate cartDb = new JdbcTemplate(cart.getBean(javax.sql.DataSource.class));
    for (String sku : SKUS) {
      orderDb.update("insert into stock values (?, ?)", sku, Integer.MAX_VALUE / 2);
      for (int c = 0; c < CUSTOMERS; c++) {
        cartDb.update("insert into cart_item values (?, ?, ?)", "c" + c, sku, START_QUANTITY);
      }
    }
    orderDb.update("insert into stock values ('sold-out', 0)");

    // the plan: 20 % roll back after prepare (an out-of-stock line), 10 % of the producers die
    Random random = new Random(4711);
    List<Planned> plans = new ArrayList<>();
    int plannedRollbacks = 0;
    for (int i = 0; i < ORDERS; i++) {
      List<OrderLine> lines = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int l = 0; l < n; l++) {
        lines.add(new OrderLine(SKUS[random.nextInt(SKUS.length)], 1 + random.nextInt(3)));
      }
      if (random.nextDouble() < 0.2) {
        lines.add(new OrderLine("sold-out", 1));
        plannedRollbacks++;
      }
      plans.add(new Planned(i, "c" + random.nextInt(CUSTOMERS), lines, random.nextDouble() < 0.1));
    }

    OrderService orderService = orders.getBean(OrderService.class);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<Committed>> results = new ArrayList<>();
    long started = System.nanoTime();
    for (Planned plan : plans) {
      results.add(
          clients.submit(
              () -> {
                DYING.set(plan.dies());
                try {
                  return new Committed(
                      orderService.placeOrder(plan.customer(), plan.lines()), plan);
                } catch (OutOfStockException rolledBack) {
                  return null;
                } finally {
                  DYING.set(false);
                }
              }));
    }
    List<Committed> committed = new ArrayList<>();
    int rolledBack = 0;
    for (Future<Committed> f : results) {
      Committed c = f.get(5, TimeUnit.MINUTES);
      if (c == null) {
        rolledBack++;
      } else {
        committed.add(c);
      }
    }
    clients.shutdown();
    double placeSeconds = (System.nanoTime() - started) / 1e9;
    assertThat(rolledBack).isEqualTo(plannedRollbacks);
    long diedCommitted = committed.stream().filter(c -> c.plan().dies()).count();
    long diedRolledBack = plans.stream().filter(p -> p.dies()).count() - diedCommitted;
    assertThat(abandonedCommitted).hasSize((int) diedCommitted);
    assertThat(abandonedRolledBack).hasSize((int) diedRolledBack);

    // wait until the service has nothing in flight for the producer and the cart acked all
    try {
      Await.until(
          RESOLVE_WITHIN,
          "every message final and every delivery acked",
          () -> {
            Map<String, Long> m = statusCounts(serviceDb, "message", "app_id = 'shop'");
            Map<String, Long> d =
                statusCounts(serviceDb, "delivery", "subscription = '" + QUEUE_SUB + "'");
            return m.values().stream().mapToLong(Long::longValue).sum() == ORDERS
                && m.getOrDefault("DELIVERED", 0L) + m.getOrDefault("CANCELLED", 0L) == ORDERS
                && d.getOrDefault("ACKED", 0L).equals(m.getOrDefault("DELIVERED", 0L));
          });
    } catch (AssertionError notResolved) {
      System.err.printf(
          "unresolved: messages %s, deliveries %s, consumer %s%n",
          statusCounts(serviceDb, "message", "app_id = 'shop'"),
          statusCounts(serviceDb, "delivery", "subscription = '" + QUEUE_SUB + "'"),
          cart.getBean(ListenerContainers.class).stats());
      throw notResolved;
    }

    // the "dead" producers' messages were resolved by the service's check-back, correctly
    Map<UUID, String> checkedBack = new HashMap<>();
    serviceDb.query(
        "select message_id, detail->>'decision' from message_event"
            + " where type = 'CHECK_BACK' and detail->>'decision' in ('COMMIT', 'ROLLBACK')",
        rs -> {
          checkedBack.put(rs.getObject(1, UUID.class), rs.getString(2));
        });
    long checkBackCommits =
        abandonedCommitted.stream().filter(id -> "COMMIT".equals(checkedBack.get(id))).count();
    long checkBackRollbacks =
        abandonedRolledBack.stream().filter(id -> "ROLLBACK".equals(checkedBack.get(id))).count();

    // the broker hands a sample of processed messages over again: the inbox must absorb them
    ListenerStats stats = cart.getBean(ListenerContainers.class).stats();
    long duplicatesBefore = stats.duplicates();
    replay(infra, serviceDb, committed.subList(0, Math.min(REPLAYED_DUPLICATES, committed.size())));
    Await.until(
        Duration.ofSeconds(60),
        "replayed duplicates skipped",
        () ->
            stats.duplicates() - duplicatesBefore
                >= Math.min(REPLAYED_DUPLICATES, committed.size()));

    // the producer side
    Map<String, Long> messages = statusCounts(serviceDb, "message", "app_id = 'shop'");
    Map<String, Long> deliveries =
        statusCounts(serviceDb, "delivery", "subscription = '" + QUEUE_SUB + "'");
    assertThat(messages.getOrDefault("DELIVERED", 0L)).isEqualTo(committed.size());
    assertThat(messages.getOrDefault("CANCELLED", 0L)).isEqualTo(rolledBack);
    long unresolved =
        messages.getOrDefault("PREPARED", 0L)
            + messages.getOrDefault("IN_DOUBT", 0L)
            + messages.getOrDefault("CONFIRMED", 0L)
            + deliveries.getOrDefault("SCHEDULED", 0L)
            + deliveries.getOrDefault("PUBLISHED", 0L)
            + deliveries.getOrDefault("DEAD", 0L);
    assertThat(unresolved).isZero();

    // the consumer side: every committed order applied once, line by line; nothing else applied
    Map<Long, Integer> appliedLines = new HashMap<>();
    Map<Long, Integer> appliedMessages = new HashMap<>();
    cartDb.query(
        "select order_id, count(*), count(distinct message_id) from cart_history group by order_id",
        rs -> {
          appliedLines.put(rs.getLong(1), rs.getInt(2));
          appliedMessages.put(rs.getLong(1), rs.getInt(3));
        });
    int appliedOnce = 0;
    int appliedTwiceOrMore = 0;
    Map<String, Integer> expected = new HashMap<>();
    for (Committed c : committed) {
      Integer lines = appliedLines.get(c.orderId());
      if (lines != null
          && lines == c.plan().lines().size()
          && appliedMessages.get(c.orderId()) == 1) {
        appliedOnce++;
      } else if (lines != null && lines > c.plan().lines().size()) {
        appliedTwiceOrMore++;
      }
      for (OrderLine line : c.plan().lines()) {
        expected.merge(c.plan().customer() + "/" + line.sku(), line.quantity(), Integer::sum);
      }
    }
    Set<Long> committedIds = new java.util.HashSet<>();
    committed.forEach(c -> committedIds.add(c.orderId()));
    long phantoms = appliedLines.keySet().stream().filter(id -> !committedIds.contains(id)).count();
    Map<String, Integer> cartNow = new HashMap<>();
    cartDb.query(
        "select customer, sku, quantity from cart_item",
        rs -> {
          cartNow.put(rs.getString(1) + "/" + rs.getString(2), rs.getInt(3));
        });
    int wrongQuantities = 0;
    for (int c = 0; c < CUSTOMERS; c++) {
      for (String sku : SKUS) {
        String key = "c" + c + "/" + sku;
        int want = START_QUANTITY - expected.getOrDefault(key, 0);
        if (cartNow.getOrDefault(key, 0) != want) {
          wrongQuantities++;
        }
      }
    }
    int inbox = cartDb.queryForObject("select count(*) from rms_inbox", Integer.class);

    System.out.printf(
        "%n  E2E order/cart: orders=%d committed=%d rolledBack=%d producerDied=%d (after commit %d,"
            + " after rollback %d) consumerThrew=%d%n"
            + "  appliedExactlyOnce=%d appliedTwice=%d phantoms(rolled back but applied)=%d"
            + " wrongCartQuantities=%d inbox=%d%n"
            + "  duplicatesSuppressed=%d (of which replayed by the test %d) unresolved=%d%n"
            + "  check-back by the service: COMMIT for %d of %d died-after-commit, ROLLBACK for %d"
            + " of %d died-after-rollback (%d messages resolved by check-back in all);"
            + " consumer %s; placing took %.1f s%n%n",
        ORDERS,
        committed.size(),
        rolledBack,
        abandonedCommitted.size() + abandonedRolledBack.size(),
        diedCommitted,
        diedRolledBack,
        consumerFailedOnce.size(),
        appliedOnce,
        appliedTwiceOrMore,
        phantoms,
        wrongQuantities,
        inbox,
        stats.duplicates(),
        Math.min(REPLAYED_DUPLICATES, committed.size()),
        unresolved,
        checkBackCommits,
        abandonedCommitted.size(),
        checkBackRollbacks,
        abandonedRolledBack.size(),
        checkedBack.size(),
        stats,
        placeSeconds);

    assertThat(diedCommitted).isPositive();
    assertThat(checkBackCommits).isEqualTo(diedCommitted);
    assertThat(checkBackRollbacks).isEqualTo(diedRolledBack);
    assertThat(diedRolledBack).isPositive();
    assertThat(consumerFailedOnce).isNotEmpty();
    assertThat(appliedOnce).isEqualTo(committed.size());
    assertThat(appliedTwiceOrMore).isZero();
    assertThat(phantoms).isZero();
    assertThat(wrongQuantities).isZero();
    assertThat(inbox).isEqualTo(committed.size());
    assertThat(stats.failedRetry()).isGreaterThanOrEqualTo(consumerFailedOnce.size());
    assertThat(stats.failedFinal()).isZero();
  }

  /** The cart service, failing on the first delivery of every n-th order (after its writes). */
  private Object flaky(CartService cart) {
    if (CONSUMER_FAILS_EVERY <= 0) {
      return cart;
    }
    ProxyFactory proxy = new ProxyFactory(cart);
    proxy.setProxyTargetClass(true);
    proxy.addAdvice(
        (MethodInterceptor)
            invocation -> {
              Object result = invocation.proceed();
              if (invocation.getMethod().getName().equals("removeOrderedItems")) {
                var order = (io.rms.examples.cart.OrderCreated) invocation.getArguments()[0];
                if (order.orderId() % CONSUMER_FAILS_EVERY == 0
                    && consumerFailedOnce.add(order.orderId())) {
                  throw new IllegalStateException("injected: cart database hiccup");
                }
              }
              return result;
            });
    return proxy.getProxy();
  }

  private static ApplicationContextInitializer<ConfigurableApplicationContext> wrapping(
      java.util.function.UnaryOperator<Object> wrap) {
    return context ->
        context
            .getBeanFactory()
            .addBeanPostProcessor(
                new BeanPostProcessor() {
                  @Override
                  public Object postProcessAfterInitialization(Object bean, String name) {
                    return wrap.apply(bean);
                  }
                });
  }

  private static Map<String, Long> statusCounts(JdbcTemplate db, String table, String where) {
    Map<String, Long> counts = new HashMap<>();
    db.query(
        "select status, count(*) from " + table + " where " + where + " group by status",
        rs -> {
          counts.put(rs.getString(1), rs.getLong(2));
        });
    return counts;
  }

  /** Publishes already processed messages again, as a broker redelivery would. */
  private static void replay(TestInfra infra, JdbcTemplate serviceDb, List<Committed> sample)
      throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(infra.amqpHost);
    factory.setPort(infra.amqpPort);
    try (Connection c = factory.newConnection();
        Channel ch = c.createChannel()) {
      for (Committed order : sample) {
        UUID id =
            serviceDb.queryForObject(
                "select id from message where app_id = 'shop' and business_key = ?",
                UUID.class,
                String.valueOf(order.orderId()));
        byte[] body =
            json.writeValueAsString(
                    Map.of(
                        "orderId", order.orderId(),
                        "customer", order.plan().customer(),
                        "lines", order.plan().lines()))
                .getBytes(StandardCharsets.UTF_8);
        ch.basicPublish(
            "",
            infra.queuePrefix + QUEUE_SUB,
            new AMQP.BasicProperties.Builder()
                .messageId(id.toString())
                .contentType("application/json")
                .headers(Map.of("x-rms-attempt", 2, "x-rms-topic", "order.created"))
                .build(),
            body);
      }
    }
  }
}
