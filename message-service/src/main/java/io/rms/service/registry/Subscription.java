package io.rms.service.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A consumer app's subscription to one topic, with its queue and redelivery policy. */
@Entity
@Table(name = "subscription")
public class Subscription extends RegistryEntry {
  @Id private String name;

  @Column(nullable = false)
  private String topic;

  @Column(name = "app_id", nullable = false)
  private String appId;

  @Column(nullable = false)
  private String queue;

  @Column(name = "ack_timeout_ms", nullable = false)
  private long ackTimeoutMs;

  @Column(name = "max_attempts", nullable = false)
  private int maxAttempts;

  @Column(name = "backoff_initial_ms", nullable = false)
  private long backoffInitialMs;

  @Column(name = "backoff_multiplier", nullable = false)
  private double backoffMultiplier;

  @Column(name = "backoff_max_ms", nullable = false)
  private long backoffMaxMs;

  @Column(nullable = false)
  private boolean ordered;

  @Column(name = "backfill_from")
  private java.time.Instant backfillFrom;

  protected Subscription() {}

  public Subscription(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public String getAppId() {
    return appId;
  }

  public void setAppId(String appId) {
    this.appId = appId;
  }

  public String getQueue() {
    return queue;
  }

  public void setQueue(String queue) {
    this.queue = queue;
  }

  public long getAckTimeoutMs() {
    return ackTimeoutMs;
  }

  public void setAckTimeoutMs(long ackTimeoutMs) {
    this.ackTimeoutMs = ackTimeoutMs;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public long getBackoffInitialMs() {
    return backoffInitialMs;
  }

  public void setBackoffInitialMs(long backoffInitialMs) {
    this.backoffInitialMs = backoffInitialMs;
  }

  public double getBackoffMultiplier() {
    return backoffMultiplier;
  }

  public void setBackoffMultiplier(double backoffMultiplier) {
    this.backoffMultiplier = backoffMultiplier;
  }

  public long getBackoffMaxMs() {
    return backoffMaxMs;
  }

  public void setBackoffMaxMs(long backoffMaxMs) {
    this.backoffMaxMs = backoffMaxMs;
  }

  /** True: FIFO per ordering key, a DEAD delivery parks only its key (docs/design.md §5). */
  public boolean isOrdered() {
    return ordered;
  }

  public void setOrdered(boolean ordered) {
    this.ordered = ordered;
  }

  public java.time.Instant getBackfillFrom() {
    return backfillFrom;
  }

  public void setBackfillFrom(java.time.Instant backfillFrom) {
    this.backfillFrom = backfillFrom;
  }
}
