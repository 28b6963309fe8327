package io.rms.service.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line that points a service started in a test at a database and a broker: by default
 * those of {@link TestInfra}, with its queue prefix; each can be replaced.
 */
public final class ServiceArgs {
  private String jdbcUrl;
  private String amqpHost;
  private int amqpPort;
  private String queuePrefix;

  private ServiceArgs(TestInfra infra) {
    this.jdbcUrl = infra.jdbcUrl;
    this.amqpHost = infra.amqpHost;
    this.amqpPort = infra.amqpPort;
    this.queuePrefix = infra.queuePrefix;
  }

  /** The database, broker and queue prefix of {@code infra}. */
  public static ServiceArgs on(TestInfra infra) {
    return new ServiceArgs(infra);
  }

  /** Another database (as user {@code postgres}, no password). */
  public ServiceArgs database(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
    return this;
  }

  /** Another broker address (as user {@code guest}). */
  public ServiceArgs broker(String host, int port) {
    this.amqpHost = host;
    this.amqpPort = port;
    return this;
  }

  /** Another prefix for the subscription queues. */
  public ServiceArgs queuePrefix(String prefix) {
    this.queuePrefix = prefix;
    return this;
  }

  /** The connection arguments followed by {@code more}. */
  public String[] with(String... more) {
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.url=" + jdbcUrl);
    args.add("--spring.datasource.username=postgres");
    args.add("--spring.datasource.password=");
    args.add("--spring.rabbitmq.host=" + amqpHost);
    args.add("--spring.rabbitmq.port=" + amqpPort);
    args.add("--spring.rabbitmq.username=guest");
    args.add("--spring.rabbitmq.password=guest");
    args.add("--rms.broker.queue-prefix=" + queuePrefix);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
