package io.rms.service.dashboard;

import io.rms.api.DeliveryView;
import io.rms.api.EventView;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.service.message.DeliveryStore;
import io.rms.service.message.EventStore;
import io.rms.service.message.MessageStore;
import io.rms.service.message.MessageViews;
import io.rms.service.message.StoredMessage;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.tracing.TracingProperties;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The message page: the message of any app, its payload pretty-printed (the template escapes it),
 * its deliveries, and one timeline merging the happy-path timestamps with the events.
 */
@Component
class MessagePages {
  private final MessageStore messages;
  private final DeliveryStore deliveries;
  private final EventStore events;
  private final MessageViews views;
  private final Registry registry;
  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final TracingProperties tracing;

  MessagePages(
      MessageStore messages,
      DeliveryStore deliveries,
      EventStore events,
      MessageViews views,
      Registry registry,
      JdbcTemplate jdbc,
      JsonMapper json,
      TracingProperties tracing) {
    this.tracing = tracing;
    this.messages = messages;
    this.deliveries = deliveries;
    this.events = events;
    this.views = views;
    this.registry = registry;
    this.jdbc = jdbc;
    this.json = json;
  }

  /** One entry of the timeline; {@code kind} picks its colour (ok, flow, warn, bad, op). */
  record Entry(
      Instant at, String kind, String title, String subscription, String actor, String detail) {}

  List<String> appIds() {
    return registry.apps().stream().map(AppInfo::id).sorted().toList();
  }

  @Transactional(readOnly = true)
  void fill(UUID id, Model model) {
    StoredMessage stored = messages.find(id, null).orElseThrow(() -> RmsProblem.notFound(id));
    List<DeliveryView> ds = deliveries.forMessage(id);
    List<EventView> es = events.forMessage(id);
    MessageView m = views.full(stored, ds, es);
    model.addAttribute("m", m);
    model.addAttribute("now", jdbc.queryForObject("select now()", Timestamp.class).toInstant());
    model.addAttribute("payload", payload(stored));
    model.addAttribute("traceLink", tracing.viewerLink(m.traceId()));
    model.addAttribute("timeline", timeline(m, ds, es));
    model.addAttribute(
        "resolvable", m.status() == MessageStatus.PREPARED || m.status() == MessageStatus.IN_DOUBT);
  }

  private String payload(StoredMessage m) {
    byte[] bytes = m.payload();
    String type = m.contentType() == null ? "" : m.contentType().toLowerCase();
    if (type.contains("json")) {
      try {
        JsonNode tree = json.readTree(bytes);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
      } catch (RuntimeException e) {
        // fall through: show the text as stored
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return "("
          + bytes.length
          + " bytes of binary, base64)\n"
          + Base64.getMimeEncoder().encodeToString(bytes);
    }
  }

  private List<Entry> timeline(MessageView m, List<DeliveryView> ds, List<EventView> es) {
    List<Entry> list = new ArrayList<>();
    list.add(new Entry(m.createdAt(), "flow", "Prepared", null, m.app(), "topic " + m.topic()));
    if (m.confirmedAt() != null) {
      list.add(new Entry(m.confirmedAt(), "flow", "Confirmed", null, null, null));
    }
    for (DeliveryView d : ds) {
      if (d.ackedAt() != null) {
        list.add(
            new Entry(
                d.ackedAt(),
                "ok",
                "Acked",
                d.subscription(),
                null,
                "after " + d.attempts() + (d.attempts() == 1 ? " attempt" : " attempts")));
      }
    }
    for (EventView e : es) {
      list.add(
          new Entry(e.at(), kind(e), e.type(), e.subscription(), e.actor(), detail(e.detail())));
    }
    if (m.finishedAt() != null) {
      boolean cancelled = m.status() == MessageStatus.CANCELLED;
      list.add(
          new Entry(
              m.finishedAt(),
              cancelled ? "off" : "ok",
              cancelled ? "Cancelled" : "Delivered",
              null,
              null,
              cancelled ? "never reaches a consumer" : "every delivery acked"));
    }
    list.sort(Comparator.comparing(Entry::at));
    return list;
  }

  private static String kind(EventView e) {
    return switch (e.type()) {
      case "RESOLVE", "REDELIVER", "DISCARD" -> "op";
      case "DEAD", "IN_DOUBT", "CONFLICT", "NO_SUBSCRIPTION" -> "bad";
      case "ACK_TIMEOUT", "NACK", "PUBLISH_FAILED" -> "warn";
      default -> "flow";
    };
  }

  private String detail(Map<String, Object> detail) {
    if (detail == null || detail.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    detail.forEach(
        (k, v) -> {
          if (!b.isEmpty()) {
            b.append(" · ");
          }
          b.append(k).append(": ").append(v instanceof String s ? s : json.writeValueAsString(v));
        });
    return b.toString();
  }
}
