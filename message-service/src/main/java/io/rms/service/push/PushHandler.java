package io.rms.service.push;

import com.rabbitmq.client.Channel;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.tracing.Span;
import io.rms.api.MessageView;
import io.rms.service.message.PushDeliveries;
import io.rms.service.message.PushDeliveries.CopyState;
import io.rms.service.outbound.OutboundHttp;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.PushTargets;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.tracing.MessageSpans;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes one copy a worker took from a push subscription's queue (docs/design.md, push). One
 * statement reads where the copy stands and the message it carries ({@link PushDeliveries#copy}).
 * The copy is pushed while its delivery is PUBLISHED with the copy's attempt (CURRENT), or when it
 * is copy 1 of a delivery never published whose broker confirm is not booked yet
 * (FIRST_NOT_BOOKED): then it is pushed at once instead of waiting for the booking. Any other copy
 * (an acked, dead, failed, deferred or re-published delivery's) is dropped unpushed; a copy that
 * may be a not yet booked later attempt (NOT_BOOKED) first waits up to {@code
 * rms.push.worker.booking-wait} for the booking. The subscription's bulkhead, rate limiter and
 * circuit breaker are passed, the message representation is POSTed, signed, to the URL checked
 * again now, and the answer goes to {@link PushDeliveries}; a 2xx through {@link PushAcks}, which
 * books the acks of concurrent pushes of a subscription together. While the circuit is open the
 * copy is deferred without using an attempt. The AMQP copy is acked once its outcome is booked in
 * PostgreSQL, which from then on holds what happens next; an error before that puts it back.
 *
 * <p>Why pushing a FIRST_NOT_BOOKED copy before its booking keeps the guarantees:
 *
 * <ul>
 *   <li>Stale copies stay unpushed: a delivery that is SCHEDULED with no attempt and no {@code
 *       published_at} has never been PUBLISHED, so it was never pushed, failed or deferred (those
 *       all start from PUBLISHED and set {@code published_at}), and acked, dead or waiting rows
 *       have another status. Nothing but this copy's own publish has happened to it (or a replay
 *       reset it to be delivered as attempt 1 again, which this copy does). A SCHEDULED row with an
 *       earlier attempt booked looks the same after a failure's retry is published as after a
 *       deferral, so those copies still wait for their booking and are dropped without it.
 *   <li>No delivery is lost: a 2xx is booked as an ack, which accepts a SCHEDULED delivery (the
 *       same rule the AMQP consumers rely on: {@code attempts} becomes at least 1), and the copy is
 *       acked to the broker only after that committed; the late confirm then changes nothing.
 *   <li>No attempt is burned: a failure or a deferral is a compare-and-set on (PUBLISHED, attempt),
 *       so the handler waits for the booking first, as before; if the booking never lands the copy
 *       is dropped with nothing booked and the recovery sweep publishes the delivery again with the
 *       same attempt number.
 * </ul>
 */
@Component
class PushHandler {
  private static final Logger log = LoggerFactory.getLogger(PushHandler.class);
  private static final Duration BOOKING_POLL = Duration.ofMillis(25);

  private final PushDeliveries deliveries;
  private final PushAcks acks;
  private final PushSecretRotation secrets;
  private final PushGuards guards;
  private final PushTargets targets;
  private final PushProperties properties;
  private final Registry registry;
  private final JsonMapper json;
  private final Clock clock;
  private final MessageSpans spans;

  PushHandler(
      PushDeliveries deliveries,
      PushAcks acks,
      PushSecretRotation secrets,
      PushGuards guards,
      PushTargets targets,
      PushProperties properties,
      Registry registry,
      JsonMapper json,
      Clock clock,
      MessageSpans spans) {
    this.spans = spans;
    this.deliveries = deliveries;
    this.acks = acks;
    this.secrets = secrets;
    this.guards = guards;
    this.targets = targets;
    this.properties = properties;
    this.registry = registry;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Handles one copy taken from {@code subscription}'s queue; acks or returns it on the channel.
   */
  void handle(String subscription, Message message, Channel channel) throws IOException {
    long tag = message.getMessageProperties().getDeliveryTag();
    boolean done;
    try {
      done = push(subscription, message.getMessageProperties());
    } catch (RuntimeException e) {
      // the database or the registry failed us: the copy goes back to the queue for another try
      log.warn("push of a copy on {} failed before its outcome was booked", subscription, e);
      done = false;
    }
    if (done) {
      channel.basicAck(tag, false);
    } else {
      channel.basicNack(tag, false, true);
    }
  }

  /** True when the copy's outcome is booked (or it is dropped); false to put it back. */
  private boolean push(String name, MessageProperties amqp) {
    SubscriptionInfo sub = registry.subscription(name).orElse(null);
    if (sub == null || !PushWorkers.pushed(sub)) {
      // paused or switched away while the copy was on its way: it stays in the queue
      return false;
    }
    UUID id = UUID.fromString(amqp.getMessageId());
    int attempt = ((Number) amqp.getHeaders().get("x-rms-attempt")).intValue();
    PushDeliveries.Copy copy = deliveries.copy(id, name, attempt);
    CopyState state = copy.state();
    if (state == CopyState.NOT_BOOKED) {
      state = bookedState(id, name, attempt, state);
    }
    if (state != CopyState.CURRENT && state != CopyState.FIRST_NOT_BOOKED) {
      return true;
    }
    // a FIRST_NOT_BOOKED copy is pushed now; booking anything but a 2xx needs its booking first
    Booking booking = new Booking(id, name, attempt, state == CopyState.CURRENT);
    List<String> valid = secrets.secrets(name);
    if (valid.isEmpty()) {
      if (!booking.landed()) {
        return true;
      }
      deliveries.deferred(
          sub,
          id,
          attempt,
          clock.instant().plus(properties.noSecretRetry()),
          "no push secret: rotate one (POST .../push-secrets/rotate)");
      return true;
    }
    PushGuards.Guard guard = guards.guard(name, sub.push());
    if (!guard.bulkhead.tryAcquirePermission()) {
      return false;
    }
    try {
      // waits for a permit up to the push timeout; without one the copy goes back to the queue
      if (!guard.limiter.acquirePermission()) {
        return false;
      }
      CircuitBreaker breaker = guard.breaker;
      if (!breaker.tryAcquirePermission()) {
        Instant until = clock.instant().plus(properties.circuitOpenFor());
        String reason = "push circuit " + breaker.getState().name().toLowerCase();
        guard.lastError.set(new PushStatus.LastError(clock.instant(), reason));
        if (booking.landed()) {
          deliveries.deferred(sub, id, attempt, until, reason);
        }
        return true;
      }
      MessageView view = copy.view();
      String traceparent = text(amqp.getHeaders().get("traceparent"));
      Span span =
          spans.open(
              "rms.push",
              Span.Kind.CLIENT,
              traceparent,
              text(amqp.getHeaders().get("tracestate")),
              "rms.subscription",
              name,
              "rms.message.id",
              id.toString(),
              "rms.attempt",
              Integer.toString(attempt));
      PushRequest.Delivery delivery =
          new PushRequest.Delivery(
              id,
              name,
              attempt,
              view.orderingKey(),
              sequence(amqp.getHeaders().get("x-rms-sequence")),
              spans.traceparentFor(span, traceparent));
      long start = System.nanoTime();
      PushAnswer answer = call(sub, guard, delivery, json.writeValueAsBytes(view), valid);
      spans.close(span, answer.kind() == PushAnswer.Kind.FAILED ? answer.detail() : null);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      guard.took(took);
      switch (answer.kind()) {
        case DELIVERED -> {
          breaker.onSuccess(took.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
          acks.delivered(sub, id);
        }
        case DEFERRED -> {
          // the receiver asked for time: neither a success nor a failure of the circuit
          breaker.releasePermission();
          guard.lastError.set(new PushStatus.LastError(clock.instant(), answer.detail()));
          if (booking.landed()) {
            deliveries.deferred(sub, id, attempt, answer.until(), answer.detail());
          }
        }
        case FAILED -> {
          breaker.onError(
              took.toNanos(),
              java.util.concurrent.TimeUnit.NANOSECONDS,
              new PushFailed(answer.detail()));
          guard.lastError.set(new PushStatus.LastError(clock.instant(), answer.detail()));
          if (booking.landed()) {
            deliveries.failed(sub, id, attempt, "push: " + answer.detail());
          }
        }
      }
      return true;
    } finally {
      guard.bulkhead.onComplete();
    }
  }

  private PushAnswer call(
      SubscriptionInfo sub,
      PushGuards.Guard guard,
      PushRequest.Delivery delivery,
      byte[] body,
      List<String> valid) {
    try {
      CheckBackTargets.Target target = targets.resolve(sub.push().url().toString());
      var headers = PushRequest.headers(delivery, body, clock.instant().getEpochSecond(), valid);
      OutboundHttp.Answer answer = guard.http.post(target, headers, body);
      return PushAnswer.of(answer.status(), answer.headers(), clock.instant());
    } catch (CheckBackTargets.Refused refused) {
      return PushAnswer.failed(refused.getMessage());
    } catch (IOException | RuntimeException e) {
      return PushAnswer.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Whether the publish of a copy is booked (its delivery PUBLISHED with the copy's attempt), which
   * booking a failure or a deferral needs; waited for once, when such an outcome comes.
   */
  private final class Booking {
    private final UUID id;
    private final String subscription;
    private final int attempt;
    private boolean booked;

    Booking(UUID id, String subscription, int attempt, boolean booked) {
      this.id = id;
      this.subscription = subscription;
      this.attempt = attempt;
      this.booked = booked;
    }

    /**
     * True when the copy's delivery is PUBLISHED with its attempt, waiting for the booking if need
     * be; false when it did not land in time or the delivery moved on (the copy is then dropped
     * with nothing booked: the sweep publishes the delivery again with the same attempt).
     */
    boolean landed() {
      if (!booked) {
        CopyState now = deliveries.copyState(id, subscription, attempt);
        booked = bookedState(id, subscription, attempt, now) == CopyState.CURRENT;
      }
      return booked;
    }
  }

  /**
   * Where the copy's delivery stands; a copy whose broker confirm is not booked yet waits up to
   * {@code rms.push.worker.booking-wait} for it (it usually lands within milliseconds).
   */
  private CopyState bookedState(UUID id, String subscription, int attempt, CopyState read) {
    long deadline = System.nanoTime() + properties.bookingWait().toNanos();
    CopyState state = read;
    while (state == CopyState.NOT_BOOKED && System.nanoTime() < deadline) {
      try {
        Thread.sleep(BOOKING_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return state;
      }
      state = deliveries.copyState(id, subscription, attempt);
    }
    return state;
  }

  private static Long sequence(Object header) {
    return header instanceof Number n ? n.longValue() : null;
  }

  private static String text(Object header) {
    return header == null ? null : header.toString();
  }

  /** A failed push, as the circuit breaker records it. */
  static final class PushFailed extends RuntimeException {
    PushFailed(String reason) {
      super(reason, null, false, false);
    }
  }
}
