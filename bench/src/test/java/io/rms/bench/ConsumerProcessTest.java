package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.bench.consumer.BenchConsumerApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsumerProcessTest {

  @Test
  void theConsumerAppRunsOnTheLeversJvmWithItsOptionsBeforeTheMainClass() {
    Jvm jvm = new Jvm(Path.of("/jdk25"), List.of("-XX:AOTCache=/w/c.aot", "-XX:AOTMode=on"));

    List<String> cmd = ConsumerProcess.java(jvm, BenchConsumerApp.class);

    assertThat(cmd.get(0)).isEqualTo(Path.of("/jdk25", "bin", "java").toString());
    assertThat(cmd.subList(1, 3)).containsExactly("-XX:AOTCache=/w/c.aot", "-XX:AOTMode=on");
    assertThat(cmd.get(cmd.size() - 1)).isEqualTo(BenchConsumerApp.class.getName());
    assertThat(cmd).contains("-cp", System.getProperty("java.class.path"));
  }
}
