package io.rms.service.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rms.api.Limits;
import io.rms.service.message.PushDeliveries;
import io.rms.service.registry.SubscriptionInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Books the 2xx answers of a subscription's pushes together: the workers of a subscription hand in
 * the message id they pushed and each waits for its own outcome only. Whoever finds no booking of
 * that subscription in progress takes everything queued for it (at most {@link Limits#MAX_BATCH})
 * and acks it in one transaction ({@link PushDeliveries#delivered}); the others wait, and when it
 * is done one of those still queued leads the next booking. Nothing waits for a batch to fill: a
 * lone push is booked at once, so batches grow only while a booking is in progress anyway (the
 * leader and follower idea of the message package's group commit, without threads of its own).
 *
 * <p>The AMQP copy of a push is acked only after its booking committed ({@link #delivered} returns
 * then): a crash before that puts the copy back in the queue. When a shared booking fails, its ids
 * are booked again one transaction each, so one bad id never fails another; an id whose own booking
 * fails throws to its worker, which puts its copy back.
 */
@Component
class PushAcks {
  private static final Logger log = LoggerFactory.getLogger(PushAcks.class);

  /** One pushed id waiting for its booking. */
  private static final class Pending {
    final UUID id;
    boolean done;
    boolean acked;
    RuntimeException failure;

    Pending(UUID id) {
      this.id = id;
    }
  }

  /** The queue of one subscription and whether a booking of it is in progress. */
  private static final class Lane {
    final ArrayDeque<Pending> queued = new ArrayDeque<>();
    boolean booking;
  }

  private final PushDeliveries deliveries;
  private final MeterRegistry meters;
  private final int maxBatch;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  PushAcks(PushDeliveries deliveries, MeterRegistry meters) {
    this.deliveries = deliveries;
    this.meters = meters;
    this.maxBatch = Limits.MAX_BATCH;
  }

  /**
   * Books the 2xx answer to the push of {@code messageId}, returning once it committed: true when
   * this acked the delivery, false when it was finished already. Throws when its booking failed.
   */
  boolean delivered(SubscriptionInfo subscription, UUID messageId) {
    Lane lane = lanes.computeIfAbsent(subscription.name(), n -> new Lane());
    Pending mine = new Pending(messageId);
    List<Pending> batch = new ArrayList<>();
    boolean interrupted = false;
    synchronized (lane) {
      lane.queued.add(mine);
    }
    while (true) {
      synchronized (lane) {
        while (!mine.done && lane.booking) {
          try {
            lane.wait();
          } catch (InterruptedException e) {
            // stay for the outcome (a booking takes milliseconds); the flag is set again below
            interrupted = true;
          }
        }
        if (mine.done) {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          if (mine.failure != null) {
            throw mine.failure;
          }
          return mine.acked;
        }
        lane.booking = true;
        while (!lane.queued.isEmpty() && batch.size() < maxBatch) {
          batch.add(lane.queued.poll());
        }
      }
      try {
        book(subscription, batch);
      } finally {
        synchronized (lane) {
          lane.booking = false;
          lane.notifyAll();
        }
        batch.clear();
      }
    }
  }

  /** The pushed ids of a subscription waiting for a booking to take them. */
  int queued(String subscription) {
    Lane lane = lanes.get(subscription);
    if (lane == null) {
      return 0;
    }
    synchronized (lane) {
      return lane.queued.size();
    }
  }

  /** The bookings (ack transactions) of a subscription's pushes so far on this replica. */
  double bookings(String subscription) {
    Counter counter =
        meters.find("rms.push.ack.bookings").tag("subscription", subscription).counter();
    return counter == null ? 0 : counter.count();
  }

  private void book(SubscriptionInfo subscription, List<Pending> batch) {
    if (batch.size() > 1) {
      try {
        Set<UUID> acked =
            deliveries.delivered(subscription, batch.stream().map(p -> p.id).toList());
        counted(subscription);
        finish(batch, acked, null);
        return;
      } catch (RuntimeException shared) {
        log.debug(
            "booking {} pushes on {} together failed; one by one",
            batch.size(),
            subscription.name(),
            shared);
      }
    }
    for (Pending p : batch) {
      try {
        Set<UUID> acked = deliveries.delivered(subscription, List.of(p.id));
        counted(subscription);
        finish(List.of(p), acked, null);
      } catch (RuntimeException e) {
        finish(List.of(p), Set.of(), e);
      }
    }
  }

  private void counted(SubscriptionInfo subscription) {
    meters.counter("rms.push.ack.bookings", "subscription", subscription.name()).increment();
  }

  private static void finish(List<Pending> pendings, Set<UUID> acked, RuntimeException failure) {
    // written before the leader releases the lane's lock, read by the waiters under that lock
    for (Pending p : pendings) {
      p.acked = acked.contains(p.id);
      p.failure = failure;
      p.done = true;
    }
  }
}
