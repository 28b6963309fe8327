package io.rms.producer.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The producer SDK's settings ({@code rms.producer.*}); the service connection is {@code
 * rms.client.*}.
 *
 * @param transactionTimeout the longest a local transaction runs after {@code send}; a message with
 *     no log row that is older than this is answered ROLLBACK
 * @param initializeSchema create {@code rms_producer_log} at start-up if it does not exist
 * @param logRetention how long log rows are kept; must exceed the service's check-back horizon
 * @param cleanupInterval how often old log rows are deleted
 * @param completionThreads threads confirming and cancelling in the background
 * @param completionQueueCapacity confirms/cancels waiting for a thread; beyond it check-back
 *     resolves them
 * @param checkBack the check-back endpoint
 * @param batching how concurrent sends share calls to the service
 * @param preparedLog whether sends are recorded in {@code rms_producer_log}
 */
@ConfigurationProperties("rms.producer")
public record ProducerProperties(
    @DefaultValue("60s") Duration transactionTimeout,
    @DefaultValue("true") boolean initializeSchema,
    @DefaultValue("7d") Duration logRetention,
    @DefaultValue("1h") Duration cleanupInterval,
    @DefaultValue("2") int completionThreads,
    @DefaultValue("10000") int completionQueueCapacity,
    @DefaultValue CheckBack checkBack,
    @DefaultValue Batching batching,
    @DefaultValue("auto") PreparedLogMode preparedLog) {

  /**
   * Whether each send inserts its message id into {@code rms_producer_log} in the business
   * transaction (and the cleaner deletes it later). The log is what the SDK's own check-back answer
   * reads; an application that answers check-back from its business rows (its own {@link
   * io.rms.producer.CheckBackResolver} bean) does not need it, and saves an insert and a delete per
   * business transaction.
   */
  public enum PreparedLogMode {
    /** On, unless the application declares a {@code CheckBackResolver} of its own. */
    AUTO,
    /** Always on, also beside an application's resolver (which may then read the log). */
    ON,
    /** Off; the application must declare a {@code CheckBackResolver}, or start-up fails. */
    OFF
  }

  /**
   * Concurrent sends share calls: the prepares of transactions running at the same time leave in
   * one {@code batch/prepare} call, and what committed or rolled back meanwhile in one {@code
   * batch/confirm} / {@code batch/cancel} call. By default nothing waits for a batch to fill: a
   * lone send goes out at once, so batches grow only when calls would queue up anyway; a linger
   * makes a call wait that long for more, unless it fills first.
   *
   * @param enabled off: one prepare call per send and one confirm/cancel call per message (on
   *     {@code completionThreads})
   * @param maxSize most messages per call (at most 1,000)
   * @param senders calls in flight at once, for prepares and for confirms/cancels each
   * @param prepareQueueCapacity prepares waiting for a call; beyond it a send fails at once
   * @param completeLinger how long a confirm/cancel call waits for more after the first one, unless
   *     the batch fills first (zero: it leaves at once); nobody waits on these calls, so a linger
   *     trades that much commit → delivery latency for fewer, larger calls
   * @param prepareLinger the same for prepares; the business transaction waits for its prepare, so
   *     this lengthens every transaction by up to that much
   */
  public record Batching(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("200") int maxSize,
      @DefaultValue("2") int senders,
      @DefaultValue("10000") int prepareQueueCapacity,
      @DefaultValue("0ms") Duration completeLinger,
      @DefaultValue("0ms") Duration prepareLinger) {}

  /**
   * The check-back endpoint.
   *
   * @param enabled expose it (needs a servlet web application)
   * @param path where it listens
   * @param secret the app's check-back signing secret, as registered at the service
   * @param maxSkew how far {@code X-RMS-Timestamp} may be from now
   * @param lockWait how long a ROLLBACK decision waits for a business transaction holding the row
   */
  public record CheckBack(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("/rms/check-back") String path,
      String secret,
      @DefaultValue("5m") Duration maxSkew,
      @DefaultValue("2s") Duration lockWait) {}
}
