package io.rms.service.message;

import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The ordering keys of ordered subscriptions (docs/design.md §5). A message whose topic has an
 * ordered subscription when it is prepared gets a place in its key ({@code order_seq}); its
 * delivery to an ordered subscription is created WAITING and released (→ SCHEDULED, published) only
 * when it is the key's head there: every earlier message of the key is cancelled, or acked or
 * discarded on that subscription.
 *
 * <p>Every step that can change a key's head — prepare (drawing the place), confirm, cancel, ack,
 * discard — holds the key's transaction-scoped advisory lock ({@link KeyLocks}) and releases in the
 * same transaction. So two transactions never decide about one key at once, and the one that waited
 * sees what the other committed (each statement of READ COMMITTED takes a fresh snapshot): a head
 * is released exactly once, whichever of "previous acked" and "next confirmed" commits last. A
 * transaction claims all its keys in one statement before its first row lock ({@link
 * KeyLocks#claim}), so transactions locking several keys cannot deadlock on them.
 */
@Component
public class OrderedKeys {
  private final JdbcTemplate jdbc;
  private final Registry registry;
  private final DeliveryStore deliveries;
  private final MessageStore messages;
  private final KeyLocks keyLocks;

  OrderedKeys(
      JdbcTemplate jdbc,
      Registry registry,
      DeliveryStore deliveries,
      MessageStore messages,
      KeyLocks keyLocks) {
    this.jdbc = jdbc;
    this.keyLocks = keyLocks;
    this.registry = registry;
    this.deliveries = deliveries;
    this.messages = messages;
  }

  /** One ordering key: keys are per topic. */
  public record Key(String topic, String orderingKey) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byTopic = topic.compareTo(other.topic);
      return byTopic != 0 ? byTopic : orderingKey.compareTo(other.orderingKey);
    }
  }

  /** True when a message of this topic with this ordering key is ordered if prepared now. */
  boolean ordered(String topic, String orderingKey) {
    return orderingKey != null && !orderedSubscriptions(topic).isEmpty();
  }

  /** The topic's active ordered subscriptions. */
  List<SubscriptionInfo> orderedSubscriptions(String topic) {
    List<SubscriptionInfo> ordered = new ArrayList<>();
    for (SubscriptionInfo s : registry.activeSubscriptions(topic)) {
      if (s.ordered()) {
        ordered.add(s);
      }
    }
    return ordered;
  }

  /**
   * Makes sure the transaction holds these keys' locks ({@link KeyLocks#lock}: keys it claimed cost
   * nothing; others are only tried).
   */
  void lock(Collection<Key> keys) {
    keyLocks.lock(keys);
  }

  /**
   * Claims, as a discard's first step, the keys of the DEAD deliveries it may discard on {@code
   * subscription}: the one of {@code messageId}, or (null) of the first {@code limit} DEAD ones in
   * message-id order, the order the discard picks them in. A delivery the discard picks that was
   * not among them (another transaction held a candidate) has its key tried ({@link
   * KeyLocks#lock}).
   */
  public void claimDead(UUID messageId, String subscription, int limit) {
    List<UUID> candidates =
        messageId != null
            ? List.of(messageId)
            : jdbc.queryForList(
                """
                select message_id from delivery
                 where subscription = ? and status = 'DEAD'
                 order by message_id
                 limit ?
                """,
                UUID.class,
                subscription,
                limit);
    keyLocks.claim(KeyLocks.Claim.ofMessages(candidates));
  }

  /**
   * After acks or discards on an ordered subscription: releases the next delivery there of the keys
   * of these messages (those with a place in their key). The transaction should have claimed those
   * keys ({@link KeyLocks#claim}) before its first row lock.
   */
  public List<PublishRequest> releaseAfter(
      Collection<UUID> finished, String subscription, Duration grace) {
    if (finished.isEmpty()) {
      return List.of();
    }
    List<Key> keys =
        jdbc.query(
            """
            select distinct topic, ordering_key from message
             where id = any(?::uuid[]) and order_seq is not null
            """,
            (rs, i) -> new Key(rs.getString(1), rs.getString(2)),
            (Object) finished.toArray(UUID[]::new));
    return release(keys, subscription, grace);
  }

  /**
   * Locks the keys and releases their heads on the topic's ordered subscriptions (only on {@code
   * subscription} when it is given: an ack or discard there changes no other subscription's head).
   * Returns the publishes to hand over after commit (a head whose message is delayed by {@code
   * deliverAfter} is left to the sweep).
   */
  public List<PublishRequest> release(Collection<Key> keys, String subscription, Duration grace) {
    return release(keys, subscription, grace, Map.of());
  }

  /**
   * {@link #release(Collection, String, Duration)}, building the publishes of released messages
   * found in {@code known} from it instead of reading them again (a confirm releases the messages
   * it just confirmed).
   */
  List<PublishRequest> release(
      Collection<Key> keys, String subscription, Duration grace, Map<UUID, StoredMessage> known) {
    List<String[]> triples = triples(keys, subscription);
    if (triples.isEmpty()) {
      return List.of();
    }
    lock(keys);
    return releaseLocked(triples, grace, known);
  }

  /** The (subscription, topic, key) triples whose heads a change of these keys may release. */
  private List<String[]> triples(Collection<Key> keys, String subscription) {
    List<String[]> triples = new ArrayList<>();
    for (Key key : new TreeSet<>(keys)) {
      // every ordered subscription of the topic, active or not: a deactivated one's deliveries
      // still go out, so its keys must move on too
      for (SubscriptionInfo s : registry.subscriptions()) {
        if (s.ordered()
            && s.topic().equals(key.topic())
            && (subscription == null || subscription.equals(s.name()))) {
          triples.add(new String[] {s.name(), key.topic(), key.orderingKey()});
        }
      }
    }
    return triples;
  }

  /** Releases the heads of the triples, whose keys the transaction has locked. */
  private List<PublishRequest> releaseLocked(
      List<String[]> triples, Duration grace, Map<UUID, StoredMessage> known) {
    if (triples.isEmpty()) {
      return List.of();
    }
    List<DeliveryStore.NewDelivery> released = deliveries.releaseHeads(triples, grace);
    if (released.isEmpty()) {
      return List.of();
    }
    Map<UUID, StoredMessage> found = new HashMap<>(known);
    List<UUID> unknown =
        released.stream()
            .map(DeliveryStore.NewDelivery::messageId)
            .filter(id -> !known.containsKey(id))
            .toList();
    if (!unknown.isEmpty()) {
      found.putAll(messages.findAll(unknown));
    }
    List<PublishRequest> requests = new ArrayList<>(released.size());
    for (DeliveryStore.NewDelivery d : released) {
      registry
          .subscription(d.subscription())
          .ifPresent(s -> requests.add(PublishRequest.of(found.get(d.messageId()), s, 1)));
    }
    return requests;
  }

  /** The ordered keys of these messages (those that have a place in their key). */
  static List<Key> keysOf(Collection<StoredMessage> ms) {
    List<Key> keys = new ArrayList<>();
    for (StoredMessage m : ms) {
      if (m.orderSeq() != null) {
        keys.add(new Key(m.topic(), m.orderingKey()));
      }
    }
    return keys;
  }
}
