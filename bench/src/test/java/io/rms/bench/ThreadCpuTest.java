package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void foldsPoolsAndNamesTheJvmsOwnThreads() {
    assertThat(ThreadCpu.group("http-nio-8080-e")).isEqualTo("http-nio-N-e");
    assertThat(ThreadCpu.group("rms-prepare-12")).isEqualTo("rms-prepare-N");
    assertThat(ThreadCpu.group("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.group("G1 Conc#0")).isEqualTo(ThreadCpu.GC);
    assertThat(ThreadCpu.group("GC Thread#1")).isEqualTo(ThreadCpu.GC);
  }

  @Test
  void whatNoLiveThreadExplainsEndedWithItsThread() {
    Map<String, Double> before =
        Map.of("(process)", 10.0, "rms-prepare-N", 1.0, ThreadCpu.LOAD_WORKERS, 2.0);
    Map<String, Double> after =
        Map.of("(process)", 14.0, "rms-prepare-N", 2.0, ThreadCpu.LOAD_WORKERS, 3.5, "GC", 0.5);
    Map<String, Double> ms = ThreadCpu.perMessage(before, after, 1000);
    assertThat(ms.get("rms-prepare-N")).isCloseTo(1.0, within(1e-9));
    assertThat(ms.get(ThreadCpu.LOAD_WORKERS)).isCloseTo(1.5, within(1e-9));
    assertThat(ms.get("GC")).isCloseTo(0.5, within(1e-9));
    // 4 s in all, 3 s explained: 1 s went with threads that ended
    assertThat(ms.get(ThreadCpu.ENDED)).isCloseTo(1.0, within(1e-9));
    assertThat(ms.keySet()).startsWith(ThreadCpu.LOAD_WORKERS).doesNotContain("(process)");
  }

  @Test
  void readsThisJvmsBusyThreadUnderItsName() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Thread busy =
        new Thread(
            () -> {
              long x = 0;
              while (stop.getCount() > 0) {
                x += System.nanoTime() % 7;
              }
              assertThat(x).isNotNegative();
            },
            "cpu-burner-7");
    long pid = ProcessHandle.current().pid();
    busy.start();
    Thread.sleep(400);
    Map<String, Double> groups = ThreadCpu.read(pid, true);
    stop.countDown();
    busy.join();
    assertThat(groups).containsKey("cpu-burner-N").containsKey(ThreadCpu.LOAD_WORKERS);
    assertThat(groups.get("cpu-burner-N")).isGreaterThan(0.1);
  }
}
