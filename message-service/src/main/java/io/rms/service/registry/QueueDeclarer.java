package io.rms.service.registry;

import io.rms.service.config.RmsProperties;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * whenever a new broker connection is made (a restarted in-memory broker has lost them). Plain
 * classic queues carry no {@code x-} arguments (Qpid rejects them); quorum is a setting.
 */
@Component
class QueueDeclarer implements ConnectionListener, SmartInitializingSingleton {
  private static final Logger log = LoggerFactory.getLogger(QueueDeclarer.class);

  private final RabbitAdmin admin;
  private final Registry registry;
  private final boolean quorum;

  QueueDeclarer(ConnectionFactory connectionFactory, Registry registry, RmsProperties properties) {
    this.admin = new RabbitAdmin(connectionFactory);
    this.admin.setIgnoreDeclarationExceptions(true);
    this.registry = registry;
    this.quorum = "quorum".equalsIgnoreCase(properties.broker().queueType());
    connectionFactory.addConnectionListener(this);
  }

  @Override
  public void afterSingletonsInstantiated() {
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
    Thread thread = new Thread(this::declareAll, "rms-queue-declarer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Declares the queue of every active subscription that uses one (not pull); logs and carries on
   * if the broker is down.
   */
  public void declareAll() {
    for (SubscriptionInfo s : registry.subscriptions()) {
      if (!s.active() || !s.mode().usesQueue()) {
        continue;
      }
      try {
        admin.declareQueue(queue(s.queue()));
      } catch (RuntimeException e) {
        log.warn(
            "cannot declare queue {} now ({}); will retry on reconnect", s.queue(), e.toString());
        return;
      }
    }
  }

  private Queue queue(String name) {
    Map<String, Object> args = new HashMap<>();
    if (quorum) {
      args.put("x-queue-type", "quorum");
    }
    return new Queue(name, true, false, false, args);
  }
}
