package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeverTest {
  private static final String SINK = "http://127.0.0.1:4999/v1/traces";

  @Test
  void tracingTurnsItOnInAllThreePartiesAndExportsToTheSink() {
    Lever l = Lever.named("tracing", Path.of("/none"), SINK);

    assertThat(l.exportsTraces()).isTrue();
    assertThat(l.serviceArgs())
        .contains("--rms.tracing.enabled=true", "--rms.tracing.otlp-endpoint=" + SINK);
    for (var app : java.util.List.of(l.producerProperties(), l.consumerProperties())) {
      assertThat(app)
          .containsEntry("spring.autoconfigure.exclude", "")
          .containsEntry("management.tracing.sampling.probability", "1.0")
          .containsEntry("management.opentelemetry.tracing.export.otlp.endpoint", SINK)
          .doesNotContainKey("management.tracing.export.otlp.enabled");
    }
    assertThat(l.producerProperties()).containsEntry("spring.application.name", "bench-producer");
    assertThat(l.consumerProperties()).containsEntry("spring.application.name", "bench-consumer");
  }

  @Test
  void tracingWithoutExportRecordsSpansButMakesNoExporter() {
    Lever l = Lever.named("tracing-no-export", Path.of("/none"), SINK);

    assertThat(l.exportsTraces()).isFalse();
    assertThat(l.serviceArgs())
        .contains("--rms.tracing.enabled=true", "--management.tracing.export.otlp.enabled=false")
        .noneMatch(a -> a.contains(SINK));
    assertThat(l.consumerProperties())
        .containsEntry("management.tracing.export.otlp.enabled", "false")
        .containsEntry("management.tracing.export.enabled", "true")
        .doesNotContainKey("management.opentelemetry.tracing.export.otlp.endpoint");
    assertThat(l.sameService(Lever.NONE)).isFalse();
  }

  @Test
  void settingsGoToTheirParty() {
    Lever l =
        Lever.named(
            "producer:a=1+consumer:b=2+service:rms.group-commit.enabled=false",
            Path.of("/none"),
            SINK);

    assertThat(l.producerProperties()).containsExactlyEntriesOf(java.util.Map.of("a", "1"));
    assertThat(l.consumerProperties()).containsExactlyEntriesOf(java.util.Map.of("b", "2"));
    assertThat(l.serviceArgs()).containsExactly("--rms.group-commit.enabled=false");
    assertThat(Lever.NONE.consumerProperties()).isEmpty();
    assertThatThrownBy(() -> Lever.named("nobody:x=1", Path.of("/none"), SINK))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aotRunsServiceAndConsumerAppOnJava25WithTheCachesOfTheirState(@TempDir Path dir)
      throws Exception {
    Path java25 = Path.of("/jdk25");
    Lever aot = Lever.named("aot", java25, SINK);
    AotCaches caches = new AotCaches(dir, 30, java.time.Clock.systemUTC());
    caches.startTraining();

    for (String process : java.util.List.of(AotCaches.SERVICE, AotCaches.CONSUMER_APP)) {
      Jvm training = aot.jvm(process, caches);
      assertThat(training.home()).isEqualTo(java25);
      assertThat(training.options()).containsExactly("-XX:AOTCacheOutput=" + caches.cache(process));
    }
    java.nio.file.Files.writeString(caches.cache(AotCaches.SERVICE), "cache");
    java.nio.file.Files.writeString(caches.cache(AotCaches.CONSUMER_APP), "cache");
    caches.trained(java.util.List.of(AotCaches.SERVICE, AotCaches.CONSUMER_APP));
    assertThat(aot.jvm(AotCaches.CONSUMER_APP, caches).options())
        .containsExactly(
            "-XX:AOTCache=" + caches.cache(AotCaches.CONSUMER_APP),
            "-XX:AOTMode=on",
            "-Xlog:class+load=info:file=" + caches.classLog(AotCaches.CONSUMER_APP));
    assertThat(aot.serviceArgs()).contains("--spring.threads.virtual.enabled=false");
  }

  @Test
  void onlyTheAotLeverMovesTheConsumerAppAndRestartsItsParties(@TempDir Path dir) {
    Path java25 = Path.of("/jdk25");
    AotCaches untrained = new AotCaches(dir, 30, java.time.Clock.systemUTC());
    Lever java25Lever = Lever.named("java25", java25, SINK);
    Lever aot = Lever.named("aot", java25, SINK);

    assertThat(java25Lever.jvm(AotCaches.CONSUMER_APP, untrained)).isEqualTo(Jvm.HARNESS);
    assertThat(java25Lever.jvm(AotCaches.SERVICE, untrained).home()).isEqualTo(java25);
    assertThat(Lever.NONE.jvm(AotCaches.SERVICE, untrained)).isEqualTo(Jvm.HARNESS);
    assertThat(aot.sameService(java25Lever)).isFalse();
    assertThat(aot.sameConsumerApp(Lever.NONE)).isFalse();
    assertThat(Lever.NONE.sameConsumerApp(aot)).isFalse();
    assertThat(java25Lever.sameConsumerApp(Lever.NONE)).isTrue();
    assertThat(aot.sameConsumerApp(Lever.named("aot", java25, SINK))).isTrue();
  }

  @Test
  void onlyALeverOfTheProducerAppAloneSkipsTheBareApi() {
    Path none = Path.of("/none");
    assertThat(
            Lever.named("producer:rms.producer.batching.senders=1", none, SINK).producerAppOnly())
        .isTrue();
    assertThat(
            Lever.named(
                    "producer:rms.producer.batching.senders=1+service:rms.group-commit.enabled=false",
                    none,
                    SINK)
                .producerAppOnly())
        .isFalse();
    assertThat(Lever.named("tracing", none, SINK).producerAppOnly()).isFalse();
    assertThat(Lever.named("default", none, SINK).producerAppOnly()).isFalse();
  }
}
