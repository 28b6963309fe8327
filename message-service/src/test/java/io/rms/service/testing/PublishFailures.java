package io.rms.service.testing;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Waits for the service to record that a message's delivery could not be published. */
public final class PublishFailures {
  private PublishFailures() {}

  /**
   * Waits until the delivery of message {@code id} has a {@code last_error}, then returns its
   * {@code status}, {@code attempts}, {@code last_error} and {@code published_at}.
   */
  public static Map<String, Object> awaitRecorded(JdbcTemplate jdbc, UUID id, Duration timeout) {
    Await.until(
        timeout,
        "publish failure recorded",
        () ->
            jdbc.queryForObject(
                    "select last_error from delivery where message_id = ?", String.class, id)
                != null);
    return jdbc.queryForMap(
        "select status, attempts, last_error, published_at from delivery where message_id = ?", id);
  }
}
