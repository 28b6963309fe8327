package io.rms.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 "
      })
  void aWellFormedTraceparentIsKept(String header) {
    TraceContext context = TraceContext.parse(header, null);
    assertThat(context).isNotNull();
    assertThat(context.traceparent()).isEqualTo(header.strip());
    assertThat(context.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(context.parentSpanId()).isEqualTo("00f067aa0ba902b7");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"
      })
  void aMalformedTraceparentGivesNoContext(String header) {
    assertThat(TraceContext.parse(header, "congo=t61rcWkgMzE")).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,"
        + " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-says,"
        + " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
  })
  void aLaterVersionIsCutToTheFieldsVersionZeroKnows(String header, String kept) {
    assertThat(TraceContext.parse(header, null).traceparent()).isEqualTo(kept.strip());
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "NULL",
      value = {
        "congo=t61rcWkgMzE,congo=t61rcWkgMzE",
        "'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE','rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'",
        "NULL,NULL",
        "'   ',NULL",
        "'bad\u0001state',NULL"
      })
  void aTracestateIsKeptOnlyWhenPrintable(String tracestate, String kept) {
    assertThat(TraceContext.parse(VALID, tracestate).tracestate()).isEqualTo(kept);
  }

  @org.junit.jupiter.api.Test
  void aTracestateLongerThanTheLimitIsDropped() {
    assertThat(TraceContext.parse(VALID, "a=" + "b".repeat(TraceContext.MAX_TRACESTATE)))
        .extracting(TraceContext::tracestate)
        .isNull();
  }
}
