package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {

  /** {@code count} copies of a stack given outermost frame first. */
  private static List<List<String>> times(int count, String... outermostFirst) {
    List<String> stack = new ArrayList<>(List.of(outermostFirst));
    Collections.reverse(stack);
    List<List<String>> stacks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      stacks.add(stack);
    }
    return stacks;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Map<String, Object> summary, String key) {
    return (List<Map<String, Object>>) summary.get(key);
  }

  private static List<String> frames(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (String) r.get("frame")).toList();
  }

  /**
   * 100 samples of one generator thread: 50 in a JDBC call under the transaction, 30 in JSON
   * encoding under the SDK's send under the transaction (once recursing), 20 in the generator loop.
   */
  private static List<List<String>> generator() {
    List<List<String>> stacks = new ArrayList<>();
    stacks.addAll(
        times(
            50,
            "java.lang.Thread.run",
            "io.rms.bench.Load.work",
            "org.springframework.transaction.interceptor.TransactionInterceptor.invoke",
            "io.rms.bench.producer.Orders.place",
            "org.postgresql.jdbc.PgStatement.execute",
            "java.net.SocketInputStream.read"));
    stacks.addAll(
        times(
            29,
            "java.lang.Thread.run",
            "io.rms.bench.Load.work",
            "org.springframework.transaction.interceptor.TransactionInterceptor.invoke",
            "io.rms.bench.producer.Orders.place",
            "io.rms.producer.ReliableMessenger.send",
            "tools.jackson.databind.ObjectMapper.writeValueAsBytes",
            "tools.jackson.core.JsonGenerator.writeString"));
    stacks.addAll(
        times(
            1,
            "java.lang.Thread.run",
            "io.rms.bench.Load.work",
            "org.springframework.transaction.interceptor.TransactionInterceptor.invoke",
            "io.rms.bench.producer.Orders.place",
            "io.rms.producer.ReliableMessenger.send",
            "tools.jackson.databind.ObjectMapper.writeValueAsBytes",
            "tools.jackson.core.JsonGenerator.writeString",
            "tools.jackson.databind.ObjectMapper.writeValueAsBytes",
            "tools.jackson.core.JsonGenerator.writeString"));
    stacks.addAll(
        times(20, "java.lang.Thread.run", "io.rms.bench.Load.work", "java.lang.System.nanoTime"));
    return stacks;
  }

  @Test
  void selfCountsTheInnermostFrameInShareOfAllSamples() {
    Map<String, Object> summary = Profile.summarize(generator());

    assertThat(summary.get("samples")).isEqualTo(100L);
    List<Map<String, Object>> self = rows(summary, "top_self");
    assertThat(frames(self))
        .containsExactly(
            "java.net.SocketInputStream.read",
            "tools.jackson.core.JsonGenerator.writeString",
            "java.lang.System.nanoTime");
    assertThat(self.get(0).get("share")).isEqualTo(50.0);
    assertThat(self.get(1).get("share")).isEqualTo(30.0);
    assertThat(self.get(2).get("share")).isEqualTo(20.0);
  }

  @Test
  void totalCountsEachSampleOnceAndListsDifferentWorkNotOneChainFrameByFrame() {
    List<Map<String, Object>> total = rows(Profile.summarize(generator()), "top_total");

    // Thread.run is left out (a thread's entry); Load.work has 100 samples, the transaction 80, so
    // both are listed, Orders.place (the same 80 as the interceptor, deeper) is not; the JDBC call
    // comes before the socket read under it, Jackson is on the send's path
    assertThat(frames(total))
        .containsExactly(
            "io.rms.bench.Load.work",
            "org.springframework.transaction.interceptor.TransactionInterceptor.invoke",
            "org.postgresql.jdbc.PgStatement.execute",
            "io.rms.producer.ReliableMessenger.send",
            "java.lang.System.nanoTime");
    assertThat(total.get(0).get("share")).isEqualTo(100.0);
    assertThat(total.get(1).get("share")).isEqualTo(80.0);
    assertThat(total.get(2).get("share")).isEqualTo(50.0);
    // the recursing sample counts once for the send and once for Jackson
    assertThat(total.get(3).get("share")).isEqualTo(30.0);
    // the frames left out on a listed frame's path: the deepest one is named
    assertThat(total.get(0)).doesNotContainKey("down_to");
    assertThat(total.get(1).get("down_to")).isEqualTo("io.rms.bench.producer.Orders.place");
    assertThat(total.get(2).get("down_to")).isEqualTo("java.net.SocketInputStream.read");
    assertThat(total.get(3).get("down_to"))
        .isEqualTo("tools.jackson.core.JsonGenerator.writeString");
  }

  @Test
  void totalRankingKeepsTopNAfterLeavingOutSamePathFrames() {
    FrameStats stats = new FrameStats();
    generator().forEach(stats::add);

    assertThat(frames(stats.topTotal(2)))
        .containsExactly(
            "io.rms.bench.Load.work",
            "org.springframework.transaction.interceptor.TransactionInterceptor.invoke");
  }

  @Test
  @SuppressWarnings("unchecked")
  void layersBySelfSkipTheJdkAndByTotalCountEveryLayerOnTheStack() {
    Map<String, Object> summary = Profile.summarize(generator());
    Map<String, Double> self = (Map<String, Double>) summary.get("layers_self");
    Map<String, Double> total = (Map<String, Double>) summary.get("layers_total");

    assertThat(self.get("JDBC (Spring JDBC, Hikari, pgjdbc)")).isEqualTo(50.0);
    assertThat(self.get("JSON (Jackson)")).isEqualTo(30.0);
    assertThat(self.get("bench harness and apps (io.rms.bench)")).isEqualTo(20.0);
    assertThat(self.get("transactions (Spring tx, JPA)")).isEqualTo(0.0);
    assertThat(total.get("transactions (Spring tx, JPA)")).isEqualTo(80.0);
    assertThat(total.get("producer SDK (io.rms.producer)")).isEqualTo(30.0);
    assertThat(total.get("bench harness and apps (io.rms.bench)")).isEqualTo(100.0);
    assertThat(total).doesNotContainKey(Profile.OTHER);
    assertThat(self.get(Profile.OTHER)).isEqualTo(0.0);
  }

  @Test
  void generatedClassNamesLoseTheirGeneratedSuffix() {
    assertThat(Profile.name("io.rms.bench.Load$$Lambda$41/0x0000000800c4b2c8", "run"))
        .isEqualTo("io.rms.bench.Load$$Lambda.run");
    assertThat(Profile.name("io.rms.bench.Load$$Lambda/0x0000000800c4b2c8", "run"))
        .isEqualTo("io.rms.bench.Load$$Lambda.run");
    assertThat(
            Profile.name("java.lang.invoke.LambdaForm$MH+0x00007f213ceda400.845265087", "invoke"))
        .isEqualTo("java.lang.invoke.LambdaForm$MH.invoke");
    assertThat(Profile.name("jdk.proxy2.$Proxy55", "batchPrepare"))
        .isEqualTo("jdk.proxy2.$Proxy.batchPrepare");
    assertThat(Profile.name("io.rms.bench.producer.Orders", "place"))
        .isEqualTo("io.rms.bench.producer.Orders.place");
  }

  /** Burns CPU in a method of its own for about {@code millis}. */
  private static long spin(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    long x = 1;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 10_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    return x;
  }

  @Test
  void aRecordingOfThisJvmShowsTheBusyMethodByTotal(@TempDir Path dir) throws Exception {
    Path jfr = dir.resolve("test.jfr");
    try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
      recording.start();
      spin(1500);
      recording.stop();
      recording.dump(jfr);
    }
    assertThat(Files.size(jfr)).isPositive();

    Map<String, Object> summary = Profile.party(jfr);

    assertThat((long) summary.get("samples")).isGreaterThan(20);
    Map<String, Object> self = rows(summary, "top_self").get(0);
    assertThat(self.get("frame")).isEqualTo("io.rms.bench.ProfileTest.spin");
    assertThat((double) self.get("share")).isGreaterThan(50.0);
    // the test thread's runner frames and spin are one path: listed once, down to spin
    Map<String, Object> total = rows(summary, "top_total").get(0);
    assertThat((double) total.get("share")).isGreaterThan(50.0);
    assertThat(total.get("down_to")).isEqualTo("io.rms.bench.ProfileTest.spin");
  }
}
