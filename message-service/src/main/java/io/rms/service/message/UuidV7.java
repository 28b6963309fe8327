package io.rms.service.message;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** Generates time-ordered UUIDv7 ids (RFC 9562): 48-bit Unix milliseconds, then randomness. */
public final class UuidV7 {
  private static final SecureRandom RANDOM = new SecureRandom();

  private UuidV7() {}

  /** A new id stamped with the clock's current millisecond. */
  public static UUID next(Clock clock) {
    long millis = clock.millis();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | 0x7000L | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** The smallest v7 id at {@code millis}, for time-range bounds on ids. */
  public static UUID lowerBound(long millis) {
    return new UUID((millis << 16) | 0x7000L, 0x8000000000000000L);
  }

  /** The Unix milliseconds stamped in a v7 id. */
  public static long millis(UUID id) {
    return id.getMostSignificantBits() >>> 16;
  }
}
