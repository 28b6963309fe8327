package io.rms.service.message;

import io.rms.service.message.OrderedKeys.Key;
import java.util.Set;
import org.springframework.dao.PessimisticLockingFailureException;

/**
 * A transaction needed ordering keys it had not claimed, and another transaction holds them: it is
 * rolled back instead of waiting (a wait could close a deadlock), and its retry claims them too.
 */
public class KeyNotClaimedException extends PessimisticLockingFailureException {
  private final transient Set<Key> keys;

  KeyNotClaimedException(Set<Key> keys) {
    super("ordering keys held elsewhere and not claimed by this transaction: " + keys);
    this.keys = Set.copyOf(keys);
  }

  /** The keys the retry must claim. */
  public Set<Key> keys() {
    return keys;
  }
}
