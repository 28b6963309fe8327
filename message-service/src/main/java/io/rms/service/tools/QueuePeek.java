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
 * would see it. Usage: {@code QueuePeek <queue> [host] [port] [user] [password]} (defaults
 * 127.0.0.1 5673 guest guest: the embedded broker).
 */
public final class QueuePeek {
  private QueuePeek() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: QueuePeek <queue> [host] [port] [user] [password]");
      System.exit(2);
    }
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(args.length > 1 ? args[1] : "127.0.0.1");
    factory.setPort(args.length > 2 ? Integer.parseInt(args[2]) : 5673);
    factory.setUsername(args.length > 3 ? args[3] : "guest");
    factory.setPassword(args.length > 4 ? args[4] : "guest");
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      GetResponse r = channel.basicGet(args[0], true);
      if (r == null) {
        System.out.println("(queue " + args[0] + " is empty)");
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
