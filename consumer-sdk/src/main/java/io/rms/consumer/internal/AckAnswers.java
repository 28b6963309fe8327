package io.rms.consumer.internal;

import io.rms.api.AckItemResult;
import io.rms.api.AckResult;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service answered to the ack calls, per id. It only counts and logs: an outcome this SDK
 * does not know (a newer service) or an answer it cannot read never stops the batching. The service
 * redelivers whatever it did not take, and the inbox turns that into another ack.
 */
public final class AckAnswers {
  private static final Logger log = LoggerFactory.getLogger(AckAnswers.class);

  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong alreadyAcked = new AtomicLong();
  private final AtomicLong notFound = new AtomicLong();
  private final AtomicLong unknown = new AtomicLong();

  /** Counts the per-id outcomes of one call that acked {@code ids}. */
  void read(String subscription, List<UUID> ids, AckResult result) {
    if (result == null || result.items() == null) {
      unreadable(subscription, ids.size(), "an answer without items");
      return;
    }
    int missing = 0;
    int strange = 0;
    UUID firstMissing = null;
    for (AckItemResult item : result.items()) {
      if (item == null || item.outcome() == null) {
        strange++;
        continue;
      }
      switch (item.outcome()) {
        case ACKED -> acked.incrementAndGet();
        case ALREADY_ACKED -> alreadyAcked.incrementAndGet();
        case NOT_FOUND -> {
          missing++;
          firstMissing = firstMissing == null ? item.messageId() : firstMissing;
        }
        // an outcome added to the API after this SDK was built
        default -> strange++;
      }
    }
    notFound.addAndGet(missing);
    if (missing > 0) {
      log.warn(
          "the service has no delivery on {} of {} acked message(s), e.g. {}; does the listener's"
              + " queue belong to that subscription?",
          subscription,
          missing,
          firstMissing);
    }
    if (strange > 0) {
      unknown.addAndGet(strange);
      log.warn(
          "ack on {}: {} outcome(s) this SDK does not know (a newer service?); carrying on",
          subscription,
          strange);
    }
  }

  /** Counts a 2xx answer whose per-id outcomes could not be read (e.g. a value added later). */
  void unreadable(String subscription, int ids, String why) {
    unknown.addAndGet(ids);
    log.warn(
        "ack of {} message(s) on {}: the service answered, but its outcomes could not be read"
            + " (a newer service?); carrying on: {}",
        ids,
        subscription,
        why);
  }

  /** Ids the service acknowledged now. */
  public long acked() {
    return acked.get();
  }

  /** Ids acknowledged before (a redelivered duplicate's ack, for one). */
  public long alreadyAcked() {
    return alreadyAcked.get();
  }

  /** Ids the subscription has no delivery of. */
  public long notFound() {
    return notFound.get();
  }

  /** Ids whose outcome this SDK does not know or could not read. */
  public long unknown() {
    return unknown.get();
  }

  @Override
  public String toString() {
    return "acked="
        + acked
        + " alreadyAcked="
        + alreadyAcked
        + " notFound="
        + notFound
        + " unknown="
        + unknown;
  }
}
