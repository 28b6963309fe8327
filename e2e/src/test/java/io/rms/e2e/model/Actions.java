package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import io.rms.e2e.model.ModelConsumer.Copy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Runs one step against the cluster: the producer's sends, the consumer's handler, the operator's
 * discard and redeliver, the admin's subscription changes and the replica kill. Each step notes
 * what it did and what every call answered.
 */
final class Actions implements AutoCloseable {
  static final String[] KEYS = {"k0", "k1", "k2"};

  private final ModelCluster cluster;
  private final ServiceApi api;
  private final SubscriptionAdmin admin;
  private final ModelConsumer consumer;
  private final Producer producer;
  private final Handler handler;
  private final History history;
  private final ServiceDb db;
  private final Operator operator;
  private final ExecutorService pool = Executors.newFixedThreadPool(24);
  final String subscription;
  final String[] topics;
  final SubscriptionAdmin.Settings settings;
  private String topic;
  private boolean active = true;
  private final boolean[] up;
  private Thread restarting;

  Actions(ModelRun run, ModelCluster cluster, History history, boolean[] up) {
    this.cluster = cluster;
    this.history = history;
    this.up = up;
    this.subscription = run.subscription();
    this.topics = run.topics();
    this.settings = run.settings();
    this.topic = topics[0];
    int[] ports = new int[ModelCluster.REPLICAS];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = cluster.port(i);
    }
    this.api = new ServiceApi(ports, history, i -> up[i]);
    this.admin = new SubscriptionAdmin(ports, history);
    this.consumer = new ModelConsumer(cluster.amqpPort(), history);
    this.producer = new Producer(api, subscription);
    this.handler = new Handler(api, history, consumer, subscription);
    this.db = new ServiceDb(cluster);
    this.operator = new Operator(api, history, handler, subscription);
  }

  /** Creates the subscription and starts consuming its queue. */
  void setUp() {
    int status = admin.create(0, subscription, topic, settings);
    ServiceDb.Sub sub = db.subscription(subscription);
    if (sub == null) {
      throw new IllegalStateException(
          "subscription not created (dashboard answered " + status + ")");
    }
    // both replicas must know it before the first send: wait for the registry refresh
    Producer.sleep(2500);
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.open("rms.sub." + subscription); // declared by the service
        return;
      } catch (IllegalStateException notYet) {
        if (attempt == 20) {
          throw notYet;
        }
        Producer.sleep(500);
      }
    }
  }

  void run(Step s) {
    current = s;
    history.stepStarted(s);
    switch (s.kind) {
      case SEND -> parallel(sends(s, 0));
      case HANDLE -> handle(s);
      case BURST -> burst(s);
      case WAIT -> Producer.sleep(s.size);
      case CRASH -> crash(s);
      case LATE -> late(s);
      case STRAY_NACK -> strayNack(s);
      case DISCARD -> operator.discard(s);
      case REDELIVER -> operator.redeliver(s);
      case TOGGLE_ACTIVE -> saveSubscription(s, topic, !active);
      case CHANGE_TOPIC ->
          saveSubscription(s, topic.equals(topics[0]) ? topics[1] : topics[0], active);
      case KILL_REPLICA -> kill(s);
    }
  }

  private List<Supplier<String>> sends(Step s, int salt) {
    List<Supplier<String>> work = new ArrayList<>();
    for (int i = 0; i < s.size; i++) {
      int k = salt + 10 * i;
      String t = s.percent(k + 100) < 85 ? topic : other(topic);
      String key = KEYS[s.pick(KEYS.length, k + 101)];
      work.add(() -> producer.one(s, k + 102, t, key));
    }
    return work;
  }

  private String other(String t) {
    return t.equals(topics[0]) ? topics[1] : topics[0];
  }

  private void handle(Step s) {
    List<Copy> copies = consumer.take(s.size);
    List<Supplier<String>> work = new ArrayList<>();
    List<Copy> toAck = new ArrayList<>();
    for (int i = 0; i < copies.size(); i++) {
      Copy c = copies.get(i);
      if (handler.duplicate(c)) {
        s.note("duplicate " + Handler.label(c));
        continue;
      }
      int p = s.percent(10 + i);
      int replica = api.replica(s.pick(2, 30 + i));
      if (p < 62) {
        toAck.add(c);
      } else if (p < 76) {
        work.add(() -> handler.nack(s, replica, c, true));
      } else if (p < 86) {
        work.add(() -> handler.nack(s, replica, c, false));
      } else {
        handler.keep(c);
        s.note("slow handler keeps " + Handler.label(c));
      }
    }
    if (s.percent(2) < 50 && toAck.size() > 2 && s.percent(5) < 50) {
      // two overlapping batches on both replicas at once (a duplicate handled by two threads)
      int cut = toAck.size() / 3;
      List<Copy> first = toAck.subList(0, toAck.size() - cut);
      List<Copy> second = toAck.subList(cut, toAck.size());
      work.add(() -> handler.ack(s, api.replica(0), first));
      work.add(() -> handler.ack(s, api.replica(1), second));
    } else if (s.percent(2) < 50 && toAck.size() > 1) {
      int replica = api.replica(s.pick(2, 3));
      work.add(() -> handler.ack(s, replica, toAck));
    } else {
      for (int i = 0; i < toAck.size(); i++) {
        Copy c = toAck.get(i);
        int replica = api.replica(s.pick(2, 50 + i));
        work.add(() -> handler.ack(s, replica, List.of(c)));
      }
    }
    if (s.percent(4) < 50) {
      work.addAll(sends(s, 1000));
    }
    if (work.isEmpty()) {
      s.note("nothing to handle");
    }
    parallel(work);
  }

  private void burst(Step s) {
    List<Supplier<String>> work = new ArrayList<>(sends(s, 0));
    List<Copy> toAck = new ArrayList<>();
    for (Copy c : consumer.take(ModelConsumer.PREFETCH)) {
      if (!handler.duplicate(c)) {
        toAck.add(c);
      }
    }
    int half = toAck.size() / 2;
    for (List<Copy> batch : List.of(toAck.subList(0, half), toAck.subList(half, toAck.size()))) {
      if (!batch.isEmpty()) {
        int replica = api.replica(work.size());
        work.add(() -> handler.ack(s, replica, batch));
      }
    }
    parallel(work);
  }

  private void crash(Step s) {
    List<Copy> lost = consumer.crash();
    handler.crashed(lost);
    s.note("consumer crashed with " + lost.size() + " copies unsettled");
    Producer.sleep(s.pick(1500, 1));
    consumer.restart();
  }

  private void late(Step s) {
    Copy c = handler.late(s.pick(1 << 20, 1));
    if (c == null) {
      s.note("nothing late");
      return;
    }
    int replica = api.replica(s.pick(2, 2));
    int p = s.percent(3);
    if (p < 70) {
      s.note("late " + handler.ack(s, replica, List.of(c)));
    } else {
      s.note("late " + handler.nack(s, replica, c, p < 85));
    }
  }

  private void strayNack(Step s) {
    Set<UUID> arrived = new java.util.HashSet<>();
    history.arrivals().forEach(a -> arrived.add(a.id()));
    List<UUID> never =
        producer.confirmed().stream().filter(id -> !arrived.contains(id)).sorted().toList();
    if (never.isEmpty()) {
      s.note("no message that was never handed out");
      return;
    }
    UUID id = never.get(s.pick(never.size(), 1));
    s.note(
        producer.keyOf(id)
            + " "
            + handler.strayNack(s, api.replica(s.pick(2, 2)), id, s.percent(3) < 50));
  }

  /** Saves topic and active flag over the dashboard and reads back what the database holds. */
  private void saveSubscription(Step s, String newTopic, boolean newActive) {
    int replica = api.replica(s.pick(2, 1));
    int status =
        newTopic.equals(topic)
            ? admin.setActive(replica, subscription, newActive)
            : admin.save(replica, subscription, newTopic, settings, newActive);
    ServiceDb.Sub now = db.subscription(subscription);
    topic = now.topic();
    active = now.active();
    s.note(
        "on r"
            + (replica + 1)
            + " answered "
            + status
            + ": now "
            + topic
            + (active ? " active" : " inactive"));
  }

  private void kill(Step s) {
    if (restarting != null && restarting.isAlive()) {
      s.note("a replica is still starting: skipped");
      return;
    }
    int r = s.pick(2, 1);
    up[r] = false;
    cluster.kill(r);
    restarting =
        new Thread(
            () -> {
              cluster.start(r);
              up[r] = true;
            },
            "model-restart-" + (r + 1));
    restarting.start();
    s.note("replica " + (r + 1) + " killed; restarting in the background");
  }

  /** Makes the subscription active on its first topic again (for the drain). */
  void restoreSubscription(Step s) {
    if (!active || !topic.equals(topics[0])) {
      saveSubscription(s, topics[0], true);
    }
  }

  /** Deactivates the subscription at the end of its run. */
  void retire(Step s) {
    saveSubscription(s, topic, false);
  }

  /** Waits for a replica that is starting. */
  void awaitReplicas() {
    if (restarting != null) {
      try {
        restarting.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void parallel(List<Supplier<String>> work) {
    // notes go to the running step, in submission order
    List<Future<String>> futures = new ArrayList<>();
    for (Supplier<String> w : work) {
      futures.add(pool.submit(w::get));
    }
    for (Future<String> f : futures) {
      try {
        String note = f.get();
        current().note(note);
      } catch (Exception e) {
        current().note("failed: " + e);
        history.violation("test action failed: " + e);
      }
    }
  }

  private Step current;

  private Step current() {
    return current;
  }

  Handler handler() {
    return handler;
  }

  ModelConsumer consumer() {
    return consumer;
  }

  ServiceApi api() {
    return api;
  }

  SubscriptionAdmin admin() {
    return admin;
  }

  String topic() {
    return topic;
  }

  boolean active() {
    return active;
  }

  @Override
  public void close() {
    consumer.close();
    pool.shutdownNow();
  }
}
