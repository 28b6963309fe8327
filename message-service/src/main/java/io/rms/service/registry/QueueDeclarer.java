package io.rms.service.registry;

import io.rms.service.config.RmsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Declares a durable queue for every active subscription: at start, when the registry changes, and
 * whenever a new broker connection is made (a restarted in-memory broker has lost them), with the
 * arguments of {@link QueueArguments}.
 *
 * <p>A classic queue version needs RabbitMQ 3.10 or later: with another broker (the embedded one)
 * the start fails, or, when the broker was down at start, nothing is declared and an error is
 * logged on every connection. A queue that already exists with other arguments (another version or
 * type) is kept as it is, deliveries keep flowing to it, and a warning names it and says how to
 * change it; the other queues are still declared.
 */
@Component
class QueueDeclarer implements ConnectionListener, SmartInitializingSingleton {
  private static final Logger log = LoggerFactory.getLogger(QueueDeclarer.class);

  private final ConnectionFactory connectionFactory;
  private final RabbitAdmin admin;
  private final Registry registry;
  private final QueueArguments arguments;
  private volatile String brokerRefusal;

  QueueDeclarer(ConnectionFactory connectionFactory, Registry registry, RmsProperties properties) {
    this.arguments = new QueueArguments(properties.broker());
    this.connectionFactory = connectionFactory;
    this.admin = new RabbitAdmin(connectionFactory);
    this.admin.setIgnoreDeclarationExceptions(false);
    this.registry = registry;
    connectionFactory.addConnectionListener(this);
  }

  /**
   * Checks that the broker takes the queue arguments (the start fails if not; a broker that is down
   * is checked on its first connection), then declares the queues.
   */
  @Override
  public void afterSingletonsInstantiated() {
    try {
      checkBroker(connectionFactory.createConnection());
    } catch (AmqpException e) {
      log.warn("cannot reach the broker now ({}); queues are declared on connect", e.toString());
      return;
    }
    if (brokerRefusal != null) {
      throw new IllegalStateException(brokerRefusal);
    }
    declareAll();
  }

  /**
   * First among the registry change's listeners: the push workers consume the queues it declares.
   */
  @EventListener
  @Order(Ordered.HIGHEST_PRECEDENCE)
  void on(Registry.RegistryChanged changed) {
    declareAll();
  }

  @Override
  public void onCreate(Connection connection) {
    checkBroker(connection);
    Thread thread = new Thread(this::declareAll, "rms-queue-declarer");
    thread.setDaemon(true);
    thread.start();
  }

  private void checkBroker(Connection connection) {
    brokerRefusal = arguments.refusal(connection.getDelegate().getServerProperties());
  }

  /**
   * Declares the queue of every active subscription that uses one (not pull); logs and carries on
   * if the broker is down, refuses a queue's arguments, or has the queue with other arguments.
   */
  public void declareAll() {
    String refusal = brokerRefusal;
    if (refusal != null) {
      log.error("subscription queues not declared: {}", refusal);
      return;
    }
    for (SubscriptionInfo s : registry.subscriptions()) {
      if (!s.active() || !s.mode().usesQueue()) {
        continue;
      }
      try {
        admin.declareQueue(queue(s.queue()));
      } catch (RuntimeException e) {
        String refused = QueueArguments.channelRefusal(e);
        if (refused == null) {
          log.warn(
              "cannot declare queue {} now ({}); will retry on reconnect", s.queue(), e.toString());
          return;
        }
        if (QueueArguments.inequivalent(refused)) {
          log.warn(
              "queue {} exists with other arguments than {} declares ({}); it is kept as it"
                  + " is and deliveries keep going to it. To change a classic queue's version,"
                  + " apply a RabbitMQ policy with queue-version (the queue converts in place)"
                  + " and leave {} unset; otherwise delete the queue once it is empty, and it is"
                  + " declared again with these arguments",
              s.queue(),
              arguments.arguments(),
              refused,
              QueueArguments.VERSION_SETTING);
        } else {
          log.warn("the broker refused queue {} ({})", s.queue(), refused);
        }
      }
    }
  }

  private Queue queue(String name) {
    return new Queue(name, true, false, false, arguments.arguments());
  }
}
