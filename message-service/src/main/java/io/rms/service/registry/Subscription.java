package io.rms.service.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

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

  @Column(name = "delivery_mode", nullable = false)
  private String deliveryMode = "amqp";

  @Column(name = "push_url")
  private String pushUrl;

  @Column(name = "push_timeout_ms")
  private Long pushTimeoutMs;

  @Column(name = "push_concurrency")
  private Integer pushConcurrency;

  @Column(name = "push_rate")
  private Double pushRate;

  @Column(name = "push_pause_after_ms")
  private Long pushPauseAfterMs;

  @Column(name = "push_secrets", nullable = false)
  private String[] pushSecrets = new String[0];

  @Column(name = "paused_at")
  private Instant pausedAt;

  @Column(name = "paused_by")
  private String pausedBy;

  @Column(name = "pause_reason")
  private String pauseReason;

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

  public DeliveryMode getDeliveryMode() {
    return DeliveryMode.parse(deliveryMode);
  }

  /** The mode and, for {@link DeliveryMode#PUSH}, its settings (cleared for the other modes). */
  public void setDelivery(DeliveryMode mode, PushSettings push) {
    this.deliveryMode = mode.json();
    boolean pushes = mode == DeliveryMode.PUSH && push != null;
    this.pushUrl = pushes ? push.url().toString() : null;
    this.pushTimeoutMs = pushes ? push.timeout().toMillis() : null;
    this.pushConcurrency = pushes ? push.concurrency() : null;
    this.pushRate = pushes ? push.rate() : null;
    this.pushPauseAfterMs = pushes ? push.pauseAfter().toMillis() : null;
  }

  /** The push settings, null unless the mode is {@link DeliveryMode#PUSH}. */
  public PushSettings getPush() {
    if (getDeliveryMode() != DeliveryMode.PUSH || pushUrl == null) {
      return null;
    }
    return new PushSettings(
        URI.create(pushUrl),
        Duration.ofMillis(pushTimeoutMs),
        pushConcurrency,
        pushRate,
        Duration.ofMillis(pushPauseAfterMs));
  }

  /** The push signing secrets, newest first (at most two are valid at once). */
  public String[] getPushSecrets() {
    return pushSecrets;
  }

  public void setPushSecrets(String[] pushSecrets) {
    this.pushSecrets = pushSecrets;
  }

  /** When the subscription was paused, null while it is not. */
  public Instant getPausedAt() {
    return pausedAt;
  }

  public String getPausedBy() {
    return pausedBy;
  }

  public String getPauseReason() {
    return pauseReason;
  }

  /** Pauses at {@code at} (by whom, why), or resumes with a null {@code at}. */
  public void setPaused(Instant at, String by, String reason) {
    this.pausedAt = at;
    this.pausedBy = at == null ? null : by;
    this.pauseReason = at == null ? null : reason;
  }
}
