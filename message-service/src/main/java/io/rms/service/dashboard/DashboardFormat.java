package io.rms.service.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Formatting helpers for the templates ({@code ${@fmt.age(d)}}); times are shown in UTC. */
@Component("fmt")
public class DashboardFormat {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** {@code 2026-11-21 18:52:29} (UTC), or a dash. */
  public String time(Instant at) {
    return at == null ? "—" : TIME.format(at);
  }

  /** A short age: {@code 42s}, {@code 7m 05s}, {@code 3h 12m}, {@code 2d 4h}; a dash for null. */
  public String age(Duration d) {
    if (d == null) {
      return "—";
    }
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format("%dm %02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format("%dd %dh", s / 86_400, (s % 86_400) / 3600);
  }

  /** {@link #age(Duration)} of a number of seconds. */
  public String seconds(double seconds) {
    return age(Duration.ofMillis((long) (seconds * 1000)));
  }

  /** How long ago, from the database's {@code now}. */
  public String ago(Instant at, Instant now) {
    return at == null ? "—" : age(Duration.between(at, now)) + " ago";
  }

  /** The CSS class of a message or delivery status: its colour says how worried to be. */
  public String statusClass(Object status) {
    if (status == null) {
      return "st";
    }
    return switch (status.toString()) {
      case "DELIVERED", "ACKED" -> "st st-ok";
      case "CONFIRMED", "PUBLISHED", "SCHEDULED" -> "st st-flow";
      case "PREPARED", "WAITING" -> "st st-wait";
      case "IN_DOUBT", "DEAD" -> "st st-bad";
      case "CANCELLED", "DISCARDED" -> "st st-off";
      default -> "st";
    };
  }
}
