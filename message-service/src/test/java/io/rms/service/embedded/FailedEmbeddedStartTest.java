package io.rms.service.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.testing.Await;
import io.rms.service.testing.StartedService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A zero-configuration start that fails after the embedded engines came up (here: a setting that
 * does not bind) closes them, so the failed process can exit instead of hanging on their threads.
 */
class FailedEmbeddedStartTest {

  @Test
  void theEmbeddedEnginesAreClosedWhenTheStartFails() throws Exception {
    Path dataDir = Files.createTempDirectory("rms-failed-start-");
    int postgresPort = freePort();
    int amqpPort = freePort();

    assertThatThrownBy(
            () ->
                StartedService.run(
                    "--rms.embedded.data-dir=" + dataDir,
                    "--rms.embedded.postgres-port=" + postgresPort,
                    "--rms.embedded.amqp-port=" + amqpPort,
                    "--rms.recovery.batch-size=many",
                    "--logging.level.root=WARN"))
        .hasStackTraceContaining("rms.recovery.batch-size");

    assertThat(dataDir.resolve("postgres")).as("the embedded PostgreSQL had started").exists();
    assertThat(dataDir.resolve("broker")).as("the embedded broker had started").exists();
    Await.until(
        Duration.ofSeconds(20),
        "embedded PostgreSQL and broker closed",
        () -> !listening(postgresPort) && !listening(amqpPort));
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
