package io.rms.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The growth row's seed: finished messages and a due backlog written straight into the service's
 * tables by {@code growth.sql} (the one place that knows their schema).
 */
final class Growth {
  private Growth() {}

  /** Runs {@code growth.sql} with {@code :rows} and {@code :backlog} filled in. */
  static void seed(Db service, long rows, long backlog) throws Exception {
    String script = script().replace(":rows", Long.toString(rows));
    script = script.replace(":backlog", Long.toString(backlog));
    StringBuilder statement = new StringBuilder();
    for (String line : script.split("\n")) {
      if (line.startsWith("--")) {
        continue;
      }
      statement.append(line).append('\n');
      if (line.stripTrailing().endsWith(";")) {
        service.execute(statement.toString());
        statement.setLength(0);
      }
    }
  }

  private static String script() throws IOException {
    try (InputStream in = Growth.class.getResourceAsStream("growth.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
