package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
