package io.rms.service.tools;

import java.util.List;

/**
 * The command line of {@link QueuePeek}: {@code <queue> [host] [port] [user] [password] [vhost]},
 * positional, each optional one defaulting to the embedded broker's (127.0.0.1, 5673, guest, guest,
 * {@code /}).
 */
record QueuePeekArgs(
    String queue, String host, int port, String user, String password, String virtualHost) {

  static final String USAGE = "usage: QueuePeek <queue> [host] [port] [user] [password] [vhost]";

  /** Parses the arguments; a missing queue, a bad port or extra arguments throw with the usage. */
  static QueuePeekArgs parse(String... args) {
    if (args.length < 1 || args.length > 6 || args[0].isBlank()) {
      throw new IllegalArgumentException(USAGE);
    }
    List<String> a = List.of(args);
    return new QueuePeekArgs(
        a.get(0),
        at(a, 1, "127.0.0.1"),
        port(at(a, 2, "5673")),
        at(a, 3, "guest"),
        at(a, 4, "guest"),
        at(a, 5, "/"));
  }

  private static String at(List<String> args, int index, String fallback) {
    return args.size() > index ? args.get(index) : fallback;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("port must be 1-65535, was '" + value + "'; " + USAGE);
  }
}
