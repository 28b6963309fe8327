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
 */
@ConfigurationProperties("rms.producer")
public record ProducerProperties(
    @DefaultValue("60s") Duration transactionTimeout,
    @DefaultValue("true") boolean initializeSchema,
    @DefaultValue("7d") Duration logRetention,
    @DefaultValue("1h") Duration cleanupInterval,
    @DefaultValue("2") int completionThreads,
    @DefaultValue("10000") int completionQueueCapacity,
    @DefaultValue CheckBack checkBack) {

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
