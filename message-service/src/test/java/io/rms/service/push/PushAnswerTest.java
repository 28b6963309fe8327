package io.rms.service.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.push.PushAnswer.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each receiver answer does to a delivery, and how Retry-After is read. */
class PushAnswerTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @ParameterizedTest(name = "{0} Retry-After [{1}] → {2}")
  @CsvSource(
      nullValues = "none",
      value = {
        "200, none, DELIVERED",
        "202, none, DELIVERED",
        "204, none, DELIVERED",
        "299, none, DELIVERED",
        "301, none, FAILED",
        "302, 5, FAILED",
        "400, none, FAILED",
        "404, 5, FAILED",
        "429, none, FAILED",
        "429, 5, DEFERRED",
        "429, soon, FAILED",
        "503, none, FAILED",
        "503, 120, DEFERRED",
        "503, 'Mon, 07 Dec 2026 12:00:30 GMT', DEFERRED",
        "500, 5, FAILED",
        "502, 5, FAILED",
      })
  void eachAnswerHasItsOutcome(int status, String retryAfter, Kind kind) {
    Map<String, String> headers = retryAfter == null ? Map.of() : Map.of("retry-after", retryAfter);
    assertThat(PushAnswer.of(status, headers, NOW).kind()).isEqualTo(kind);
  }

  @ParameterizedTest(name = "Retry-After [{0}] → +{1} s")
  @CsvSource({
    "5, 5",
    "' 30 ', 30",
    "0, 1",
    "'Mon, 07 Dec 2026 12:00:30 GMT', 30",
    "'Mon, 07 Dec 2026 11:00:00 GMT', 1",
    "999999999999999999999999, 86400",
    "172800, 86400",
  })
  void retryAfterIsReadAsSecondsOrADateBetweenOneSecondAndOneDay(String value, long seconds) {
    assertThat(PushAnswer.retryAfter(value, NOW)).isEqualTo(NOW.plus(Duration.ofSeconds(seconds)));
  }
}
