package io.rms.service.registry;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import io.rms.service.config.RmsProperties;
import java.util.HashMap;
import java.util.Map;

/**
 * The arguments a subscription queue is declared with ({@code rms.broker.*}), and whether a broker
 * takes them. A plain classic queue has none (Qpid Broker-J, the embedded broker, rejects {@code
 * x-} arguments); {@code queue-type=quorum} adds {@code x-queue-type}; {@code
 * classic-queue-version} adds {@code x-queue-version}, which only RabbitMQ 3.10 or later knows.
 */
final class QueueArguments {
  static final String VERSION_SETTING = "rms.broker.classic-queue-version";

  private final boolean quorum;
  private final Integer classicVersion;

  QueueArguments(RmsProperties.Broker broker) {
    this.quorum = "quorum".equalsIgnoreCase(broker.queueType());
    this.classicVersion = broker.classicQueueVersion();
    if (classicVersion != null && classicVersion != 1 && classicVersion != 2) {
      throw new IllegalStateException(
          VERSION_SETTING + " must be 1 or 2 (or unset), not " + classicVersion);
    }
    if (classicVersion != null && quorum) {
      throw new IllegalStateException(
          VERSION_SETTING
              + " applies to classic queues; remove it or rms.broker.queue-type=quorum");
    }
  }

  /** The arguments of a subscription queue. */
  Map<String, Object> arguments() {
    Map<String, Object> args = new HashMap<>();
    if (quorum) {
      args.put("x-queue-type", "quorum");
    }
    if (classicVersion != null) {
      args.put("x-queue-version", classicVersion);
    }
    return args;
  }

  /**
   * Why the broker that sent these connection properties cannot take the arguments; null if it can.
   * Only a classic queue version needs a particular broker (RabbitMQ 3.10 or later).
   */
  String refusal(Map<String, Object> serverProperties) {
    if (classicVersion == null) {
      return null;
    }
    String product = String.valueOf(serverProperties.get("product"));
    String version = String.valueOf(serverProperties.get("version"));
    if ("RabbitMQ".equalsIgnoreCase(product) && atLeast(version, 3, 10)) {
      return null;
    }
    return VERSION_SETTING
        + "="
        + classicVersion
        + " needs RabbitMQ 3.10 or later, but the broker is "
        + product
        + " "
        + version
        + (product.toLowerCase(java.util.Locale.ROOT).contains("qpid")
            ? " (the embedded broker, which takes no x- queue arguments)"
            : "")
        + ": remove the setting or configure a RabbitMQ broker (spring.rabbitmq.*)";
  }

  /** True if {@code version} (such as {@code 3.10.8}) is at least {@code major.minor}. */
  static boolean atLeast(String version, int major, int minor) {
    String[] parts = version.split("[.\\-+]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The broker's reply text if {@code failure} is a declaration the broker refused on the channel
   * (such as {@code PRECONDITION_FAILED - inequivalent arg 'x-queue-version'}, for a queue that
   * exists with other arguments); null for anything else (such as an unreachable broker).
   */
  static String channelRefusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException signal
          && !signal.isHardError()
          && signal.getReason() instanceof AMQP.Channel.Close close) {
        return close.getReplyText();
      }
    }
    return null;
  }

  /** True for a refusal because the queue exists with other arguments. */
  static boolean inequivalent(String replyText) {
    return replyText != null
        && replyText.startsWith("PRECONDITION_FAILED")
        && replyText.contains("inequivalent arg");
  }
}
