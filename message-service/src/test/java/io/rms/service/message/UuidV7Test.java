package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {
  @Test
  void idsCarryVersionVariantAndTheClocksMillisecond() {
    Instant at = Instant.parse("2026-11-21T18:00:00.123Z");
    UUID id = UuidV7.next(Clock.fixed(at, ZoneOffset.UTC));
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(UuidV7.millis(id)).isEqualTo(at.toEpochMilli());
  }

  @Test
  void laterMillisecondsSortAfterEarlierOnes() {
    UUID earlier = UuidV7.next(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC));
    UUID later = UuidV7.next(Clock.fixed(Instant.ofEpochMilli(1_001), ZoneOffset.UTC));
    assertThat(earlier.toString().compareTo(later.toString())).isNegative();
    assertThat(UuidV7.lowerBound(1_001).toString().compareTo(later.toString()))
        .isLessThanOrEqualTo(0);
  }
}
