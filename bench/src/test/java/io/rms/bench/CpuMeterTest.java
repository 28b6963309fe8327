package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  void theHarnessDoesNotCountTheCpuOfTheProcessesItStarted() throws Exception {
    // a child of this JVM busy for about a second, as the service and the consumer app are
    Process child =
        new ProcessBuilder(
                "sh", "-c", "end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done")
            .start();
    try {
      CpuMeter meter = new CpuMeter(child::pid, Map.of(), () -> -1);
      Map<String, Double> before = meter.read();
      Thread.sleep(1500);
      Map<String, Double> after = meter.read();
      double service = after.get(CpuMeter.SERVICE) - before.get(CpuMeter.SERVICE);
      double harness = after.get(CpuMeter.HARNESS) - before.get(CpuMeter.HARNESS);
      assertThat(service).isGreaterThan(0.5);
      assertThat(harness).isLessThan(service / 4);
    } finally {
      child.destroyForcibly();
    }
  }
}
