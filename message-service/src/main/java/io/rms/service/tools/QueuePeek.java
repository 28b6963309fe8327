package io.rms.service.tools;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Takes one message off a queue and prints its AMQP properties, headers and body, like a consumer
 * would see it. Usage: {@code QueuePeek <queue> [host] [port] [user] [password] [vhost]} (defaults
 * 127.0.0.1 5673 guest guest /: the embedded broker).
 */
public final class QueuePeek {
  private QueuePeek() {}

  public static void main(String[] args) throws Exception {
    QueuePeekArgs target;
    try {
      target = QueuePeekArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(target.host());
    factory.setPort(target.port());
    factory.setUsername(target.user());
    factory.setPassword(target.password());
    factory.setVirtualHost(target.virtualHost());
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      GetResponse r = channel.basicGet(target.queue(), true);
      if (r == null) {
        System.out.println("(queue " + target.queue() + " is empty)");
        return;
      }
      var p = r.getProps();
      System.out.println("message_id:   " + p.getMessageId());
      System.out.println("content_type: " + p.getContentType());
      System.out.println("timestamp:    " + p.getTimestamp());
      Map<String, Object> headers =
          new TreeMap<>(p.getHeaders() == null ? Map.of() : p.getHeaders());
      headers.forEach((k, v) -> System.out.println("header " + k + ": " + v));
      System.out.println("body:         " + new String(r.getBody(), StandardCharsets.UTF_8));
    }
  }
}
