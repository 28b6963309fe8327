package io.rms.service.message;

import io.rms.api.EventView;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The append-only history of everything off the happy path. */
@Component // not @Repository: JdbcTemplate translates exceptions already; the proxy only cost CPU
public class EventStore {
  /** The actor of the service's own decisions. */
  public static final String SYSTEM = "system";

  private final JdbcTemplate jdbc;
  private final Json json;

  EventStore(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Appends one event; {@code messageId} is null for events about the registry. */
  public void append(
      UUID messageId, String type, String subscription, String actor, Map<String, ?> detail) {
    jdbc.update(
        """
        insert into message_event (message_id, type, subscription, actor, detail)
        values (?, ?, ?, ?, ?::jsonb)
        """,
        messageId,
        type,
        subscription,
        actor,
        json.write(detail));
  }

  /** The message's events, oldest first. */
  public List<EventView> forMessage(UUID messageId) {
    return jdbc.query(
        """
        select at, type, subscription, actor, detail::text as detail
          from message_event where message_id = ? order by id
        """,
        (rs, i) ->
            new EventView(
                rs.getTimestamp("at").toInstant(),
                rs.getString("type"),
                rs.getString("subscription"),
                rs.getString("actor"),
                json.objects(rs.getString("detail"))),
        messageId);
  }
}
