package io.rms.service.push;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * What a receiver's answer means for the delivery (docs/design.md, push): 2xx delivered it; 429 or
 * 503 with a {@code Retry-After} defers it to then without using an attempt; anything else (and a
 * timeout or a connection that failed) is a failed attempt.
 *
 * @param until for {@link Kind#DEFERRED}, when to push again
 * @param detail the status or error in a few words (the delivery's last error)
 */
record PushAnswer(Kind kind, Instant until, String detail) {
  /** The longest wait a {@code Retry-After} can ask for; a longer one is cut to this. */
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  /** The shortest wait, for a {@code Retry-After} of 0 or in the past. */
  static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  enum Kind {
    DELIVERED,
    DEFERRED,
    FAILED
  }

  /** Classifies an HTTP answer (header names in lower case) received at {@code now}. */
  static PushAnswer of(int status, Map<String, String> headers, Instant now) {
    if (status >= 200 && status < 300) {
      return new PushAnswer(Kind.DELIVERED, null, "HTTP " + status);
    }
    if (status == 429 || status == 503) {
      Instant until = retryAfter(headers.get("retry-after"), now);
      if (until != null) {
        return new PushAnswer(
            Kind.DEFERRED,
            until,
            "HTTP " + status + " with Retry-After " + headers.get("retry-after").trim());
      }
    }
    return failed("HTTP " + status);
  }

  /** A failed attempt for this reason (no answer, refused target, unreadable answer). */
  static PushAnswer failed(String detail) {
    return new PushAnswer(Kind.FAILED, null, detail);
  }

  /**
   * When a {@code Retry-After} (delay seconds or an HTTP date) says to come back, between {@link
   * #MIN_RETRY_AFTER} and {@link #MAX_RETRY_AFTER} from now; null when there is none or it is
   * unreadable.
   */
  static Instant retryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    Instant at;
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        at = now.plusSeconds(Math.min(Long.parseLong(v), MAX_RETRY_AFTER.toSeconds()));
      } catch (NumberFormatException tooLong) {
        at = now.plus(MAX_RETRY_AFTER);
      }
    } else {
      try {
        at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeException unreadable) {
        return null;
      }
    }
    Instant earliest = now.plus(MIN_RETRY_AFTER);
    Instant latest = now.plus(MAX_RETRY_AFTER);
    return at.isBefore(earliest) ? earliest : at.isAfter(latest) ? latest : at;
  }
}
