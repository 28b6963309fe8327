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
 *
 * <p>On which subscriptions a change releases is read from the rows, never from this replica's
 * cached registry, which may be a refresh interval old: an ack or discard releases on its own
 * subscription whatever its topic is by now; a confirm or cancel on the ordered subscriptions the
 * database has for the key's topic, active or not, and on those the confirm just created WAITING
 * deliveries on. What this still misses (an ack on a replica that caches the subscription as
 * unordered, a cancel of an old topic's message after a topic change) {@link StrandedKeys}
 * releases.
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
   * Locks the keys and releases their heads: only on {@code subscription} when it is given (an ack
   * or discard there changes no other subscription's head), else on every ordered subscription the
   * database has for each key's topic, active or not (a cancel or a confirm changes the head
   * everywhere). Returns the publishes to hand over after commit (a head whose message is delayed
   * by {@code deliverAfter} is left to the sweep).
   */
  public List<PublishRequest> release(Collection<Key> keys, String subscription, Duration grace) {
    if (keys.isEmpty()) {
      return List.of();
    }
    lock(keys);
    return subscription == null
        ? releaseLocked(List.of(), keys, grace, Map.of())
        : releaseLocked(on(keys, subscription), List.of(), grace, Map.of());
  }

  /**
   * After a confirm: locks the keys of the confirmed messages (also those that ended DELIVERED
   * without deliveries: they no longer hold their key) and releases their heads on every ordered
   * subscription of their topics and on the subscriptions given in {@code waiting}, the
   * (subscription, topic, key) triples the confirm just created WAITING deliveries on (a replica's
   * registry may place a subscription on a topic the database no longer has it on). The publishes
   * of released messages found in {@code known} are built from it instead of reading them again.
   */
  List<PublishRequest> releaseConfirmed(
      Collection<Key> keys,
      List<String[]> waiting,
      Duration grace,
      Map<UUID, StoredMessage> known) {
    if (keys.isEmpty()) {
      return List.of();
    }
    lock(keys);
    return releaseLocked(waiting, keys, grace, known);
  }

  /** The (subscription, topic, key) triples of these keys on one subscription. */
  private static List<String[]> on(Collection<Key> keys, String subscription) {
    List<String[]> triples = new ArrayList<>();
    for (Key key : new TreeSet<>(keys)) {
      triples.add(new String[] {subscription, key.topic(), key.orderingKey()});
    }
    return triples;
  }

  /**
   * Releases the heads of the triples and of the keys {@code byTopic} on their topics' ordered
   * subscriptions; the transaction has locked every key.
   */
  private List<PublishRequest> releaseLocked(
      List<String[]> triples,
      Collection<Key> byTopic,
      Duration grace,
      Map<UUID, StoredMessage> known) {
    if (triples.isEmpty() && byTopic.isEmpty()) {
      return List.of();
    }
    List<DeliveryStore.NewDelivery> released = deliveries.releaseHeads(triples, byTopic, grace);
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
          .ifPresent(
              s -> requests.add(PublishRequest.of(found.get(d.messageId()), s, 1, d.replayId())));
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
