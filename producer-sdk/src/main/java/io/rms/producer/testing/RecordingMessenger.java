package io.rms.producer.testing;

import io.rms.producer.ReliableMessenger;
import io.rms.producer.SendOptions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * An in-memory {@link ReliableMessenger} for your own tests: it needs no service, records every
 * send and, like the real one, resolves a send inside a transaction only when that transaction ends
 * (committed or rolled back). Declare it as a bean to replace the real messenger.
 *
 * <pre>{@code
 * @TestConfiguration
 * class Messaging {
 *   @Bean RecordingMessenger messenger() { return new RecordingMessenger(); }
 * }
 * ...
 * assertThat(messenger.committed("order.created")).hasSize(1);
 * }</pre>
 */
public class RecordingMessenger implements ReliableMessenger {

  /** Where a recorded message is. */
  public enum State {
    /** Sent inside a transaction that has not ended yet. */
    PENDING,
    /** Its transaction committed (or it was sent outside one): consumers would receive it. */
    COMMITTED,
    /** Its transaction rolled back: consumers would never see it. */
    ROLLED_BACK
  }

  /** One recorded send. */
  public static final class Sent {
    private final UUID id;
    private final String topic;
    private final Object payload;
    private final SendOptions options;
    private volatile State state;

    Sent(UUID id, String topic, Object payload, SendOptions options, State state) {
      this.id = id;
      this.topic = topic;
      this.payload = payload;
      this.options = options;
      this.state = state;
    }

    public UUID id() {
      return id;
    }

    public String topic() {
      return topic;
    }

    public Object payload() {
      return payload;
    }

    public SendOptions options() {
      return options;
    }

    public State state() {
      return state;
    }

    @Override
    public String toString() {
      return "Sent[" + topic + " " + state + " " + payload + "]";
    }
  }

  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private volatile RuntimeException failure;

  @Override
  public UUID send(String topic, Object payload, SendOptions options) {
    RuntimeException f = failure;
    if (f != null) {
      failure = null;
      throw f; // as a failed prepare does: fails the caller's transaction
    }
    UUID id = UUID.randomUUID();
    SendOptions o = options == null ? SendOptions.defaults() : options;
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      Sent s = new Sent(id, topic, payload, o, State.PENDING);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              s.state = status == STATUS_COMMITTED ? State.COMMITTED : State.ROLLED_BACK;
            }
          });
      sent.add(s);
    } else {
      sent.add(new Sent(id, topic, payload, o, State.COMMITTED));
    }
    return id;
  }

  /** Makes the next send throw {@code e}, as an unreachable service would. */
  public void failNextSend(RuntimeException e) {
    this.failure = e;
  }

  /** Everything sent, in order. */
  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** Messages consumers would receive: their transaction committed. */
  public List<Sent> committed() {
    return filter(s -> s.state == State.COMMITTED);
  }

  /** Committed messages of one topic. */
  public List<Sent> committed(String topic) {
    return filter(s -> s.state == State.COMMITTED && s.topic.equals(topic));
  }

  /** Messages whose transaction rolled back. */
  public List<Sent> rolledBack() {
    return filter(s -> s.state == State.ROLLED_BACK);
  }

  /** Forgets everything recorded. */
  public void clear() {
    sent.clear();
    failure = null;
  }

  private List<Sent> filter(Predicate<Sent> p) {
    return sent.stream().filter(p).toList();
  }
}
