package io.rms.recovery;

/**
 * The stranded-key sweep's view of the ordered subscriptions' keys. A WAITING delivery is stranded
 * when it is its key's head on its subscription (every earlier message of the key is finished
 * there) but nothing released it: a release decided by a replica whose registry was stale, or a
 * change of the subscription (topic, ordering) that no step of the key followed.
 */
public interface StrandedKeyPort {

  /**
   * Releases up to {@code limit} stranded deliveries (WAITING → SCHEDULED, published now or at
   * their message's {@code deliverAfter}), each under its key's lock and as a compare-and-set, so a
   * release that a command made meanwhile, or another instance's run, wins; records an event per
   * released delivery. Returns how many it released.
   */
  int releaseStranded(int limit);
}
