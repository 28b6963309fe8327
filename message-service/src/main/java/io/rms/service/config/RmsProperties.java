package io.rms.service.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code rms.*} configuration contract (docs/design.md §12); Helm values map onto these names.
 *
 * @param role which parts run in this process
 * @param apps apps bootstrapped from configuration
 * @param subscriptions subscriptions bootstrapped from configuration
 * @param checkBack when and how often PREPARED messages are checked back
 * @param recovery sweep period and batch size
 * @param retention how long finished messages are kept
 * @param payloadMaxBytes the largest payload accepted
 * @param broker queue naming and type
 * @param dispatch publishing limits
 * @param groupCommit how concurrent single calls share transactions
 * @param embedded where the embedded engines keep their data
 * @param demo the demo apps registered in embedded mode
 */
@ConfigurationProperties("rms")
public record RmsProperties(
    @DefaultValue("all") Role role,
    @DefaultValue List<AppConfig> apps,
    @DefaultValue List<SubscriptionConfig> subscriptions,
    @DefaultValue CheckBack checkBack,
    @DefaultValue Push push,
    @DefaultValue Recovery recovery,
    @DefaultValue("7d") Duration retention,
    @DefaultValue("1048576") long payloadMaxBytes,
    @DefaultValue Broker broker,
    @DefaultValue Dispatch dispatch,
    @DefaultValue GroupCommit groupCommit,
    @DefaultValue Embedded embedded,
    @DefaultValue Demo demo) {

  /** What one process does. */
  public enum Role {
    /** API, dashboard and recovery jobs. */
    ALL,
    /** API and dashboard only. */
    API,
    /** Recovery jobs only. */
    JOBS,
    /** Applies the Flyway migrations and exits (io.rms.service.migration; no service starts). */
    MIGRATE;

    /** True when this role serves the REST API. */
    public boolean servesApi() {
      return this == ALL || this == API;
    }

    /** True when this role runs the recovery jobs. */
    public boolean runsJobs() {
      return this == ALL || this == JOBS;
    }
  }

  /** An app declared in configuration; {@link #toString()} leaves out its keys and secret. */
  public record AppConfig(
      String id,
      @DefaultValue List<String> apiKeys,
      @DefaultValue List<String> produces,
      String checkBackUrl,
      String checkBackSecret,
      @DefaultValue List<String> roles) {

    @Override
    public String toString() {
      return "AppConfig[id="
          + id
          + ", produces="
          + produces
          + ", checkBackUrl="
          + checkBackUrl
          + ", roles="
          + roles
          + "]";
    }
  }

  /**
   * A subscription declared in configuration.
   *
   * @param delivery {@code amqp} (default), {@code push} or {@code pull} (docs/design.md §10)
   * @param push the push target and limits, for {@code delivery: push}
   * @param backfillFrom the subscription starts with the topic's history since then (once: its
   *     backfill has the id {@code backfill:<name>})
   */
  public record SubscriptionConfig(
      String name,
      String topic,
      String app,
      String queue,
      @DefaultValue("60s") Duration ackTimeout,
      @DefaultValue("10") int maxAttempts,
      @DefaultValue Backoff backoff,
      boolean ordered,
      @DefaultValue("amqp") String delivery,
      @DefaultValue PushConfig push,
      java.time.Instant backfillFrom) {}

  /** A subscription's push target and limits in configuration. */
  public record PushConfig(
      String url,
      @DefaultValue("10s") Duration timeout,
      @DefaultValue("4") int concurrency,
      @DefaultValue("100") double rate,
      @DefaultValue("10m") Duration pauseAfter) {}

  /**
   * Where push subscriptions may deliver (docs/design.md §10): the check-back rules (no redirects,
   * metadata and link-local addresses refused) with their own allowlist.
   *
   * @param allowedHosts entries as for {@code rms.check-back.allowed-hosts}; loopback addresses are
   *     refused unless an entry names a loopback host explicitly ({@code 127.0.0.1}, {@code
   *     localhost}, {@code [::1]})
   * @param blockPrivateAddresses refuse push URLs whose host resolves to a private address
   */
  public record Push(
      @DefaultValue("*") List<String> allowedHosts,
      @DefaultValue("false") boolean blockPrivateAddresses) {}

  /** Exponential backoff with full jitter. */
  public record Backoff(
      @DefaultValue("5s") Duration initial,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("10m") Duration max) {}

  /**
   * Check-back of PREPARED messages (docs/design.md §8).
   *
   * @param after a PREPARED message is first checked back once older than this
   * @param maxChecks checks without a decision before the message is parked IN_DOUBT
   * @param allowedHosts where a check-back URL may point, entries {@code [scheme://]host[:port]}:
   *     host {@code *} any, {@code *.example.com} a domain and its subdomains, otherwise one host;
   *     without scheme http or https, without port any port
   * @param blockPrivateAddresses refuse check-back URLs whose host resolves to a loopback, private,
   *     link-local, unique-local, multicast or otherwise non-public address (checked when the URL
   *     is registered and before every call); cloud metadata addresses are refused either way
   * @param allowLoopback allow check-back URLs whose host is or resolves to a loopback or any-local
   *     address (a producer on this host: tests, the embedded demo); off, they are refused.
   *     Metadata and link-local addresses are refused even with it
   * @param backoff the wait between checks without a decision (full jitter)
   * @param connectTimeout connect timeout of a check-back call
   * @param readTimeout how long a check-back call may take from the request sent to the whole
   *     answer read
   * @param maxResponseBytes a larger answer counts as UNKNOWN
   * @param threads concurrent check-back calls of one instance
   * @param perAppConcurrency concurrent calls to one app (its bulkhead); beyond it the check waits
   * @param circuitOpenFor how long an app's open circuit refuses calls before probing again
   */
  public record CheckBack(
      @DefaultValue("30s") Duration after,
      @DefaultValue("15") int maxChecks,
      @DefaultValue("*") List<String> allowedHosts,
      @DefaultValue("false") boolean blockPrivateAddresses,
      @DefaultValue("false") boolean allowLoopback,
      @DefaultValue Backoff backoff,
      @DefaultValue("1s") Duration connectTimeout,
      @DefaultValue("3s") Duration readTimeout,
      @DefaultValue("4096") int maxResponseBytes,
      @DefaultValue("16") int threads,
      @DefaultValue("4") int perAppConcurrency,
      @DefaultValue("30s") Duration circuitOpenFor) {}

  /**
   * The recovery sweeps.
   *
   * @param interval period of the check-back and redelivery sweeps
   * @param batchSize most items one sweep run claims
   * @param maxInFlight most sweep publishes awaiting their broker confirm (backlog drain rate)
   * @param lease how long a claimed delivery stays hidden from other instances
   * @param retentionInterval period of the retention sweep
   * @param retentionMaxBatches most delete batches of {@code batchSize} per retention run
   * @param statsFoldLag how far behind now the stats fold stays: a transaction that finishes a row
   *     stamps it with its start and commits later, so the fold never counts a range a running
   *     transaction may still add to (it also stays behind the oldest running transaction it sees)
   * @param statsFoldBatchSize most messages (and deliveries) one fold transaction adds
   */
  public record Recovery(
      @DefaultValue("5s") Duration interval,
      @DefaultValue("500") int batchSize,
      @DefaultValue("2000") int maxInFlight,
      @DefaultValue("60s") Duration lease,
      @DefaultValue("10m") Duration retentionInterval,
      @DefaultValue("20") int retentionMaxBatches,
      @DefaultValue("1m") Duration statsFoldLag,
      @DefaultValue("50000") int statsFoldBatchSize) {}

  /**
   * Broker topology.
   *
   * @param queuePrefix prefix of the default queue name ({@code rms.sub.} + subscription name)
   * @param queueType {@code classic} or {@code quorum}
   * @param classicQueueVersion classic queues only: 1 or 2, declared as {@code x-queue-version}
   *     (RabbitMQ 3.10 or later; version 2 costs the broker less CPU and disk per message); unset:
   *     no argument, the broker's default version
   */
  public record Broker(
      @DefaultValue("rms.sub.") String queuePrefix,
      @DefaultValue("classic") String queueType,
      Integer classicQueueVersion) {}

  /**
   * Publishing.
   *
   * @param threads publisher threads
   * @param queueCapacity publishes waiting for a thread; beyond it the recovery sweep publishes
   * @param confirmTimeout how long to wait for the broker's publisher confirm
   * @param publishGrace how long a freshly confirmed delivery waits before the sweep republishes it
   *     if its immediate publish left no trace (crash between commit and publish)
   * @param failureRetry when a failed publish is tried again (it consumes no attempt)
   */
  public record Dispatch(
      @DefaultValue("2") int threads,
      @DefaultValue("10000") int queueCapacity,
      @DefaultValue("10s") Duration confirmTimeout,
      @DefaultValue("30s") Duration publishGrace,
      @DefaultValue("5s") Duration failureRetry) {}

  /**
   * Group commit of single prepare, confirm, cancel and send calls: calls that arrive while the
   * committers are busy share one transaction; a lone call never waits for company.
   *
   * @param enabled share transactions between concurrent calls
   * @param committers concurrent hot-path transactions (each holds a database connection)
   * @param maxBatch most calls in one transaction
   */
  public record GroupCommit(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("4") int committers,
      @DefaultValue("64") int maxBatch) {}

  /**
   * The embedded engines used when no database or broker is configured.
   *
   * @param dataDir where the embedded PostgreSQL keeps its data
   * @param postgresPort preferred port of the embedded PostgreSQL (a free one if taken)
   * @param amqpPort preferred port of the embedded AMQP broker (a free one if taken)
   */
  public record Embedded(
      @DefaultValue("./data") String dataDir,
      @DefaultValue("54329") int postgresPort,
      @DefaultValue("5673") int amqpPort) {}

  /**
   * The demo producer, consumer and subscription registered in embedded mode.
   *
   * @param enabled register them (only ever in embedded mode)
   * @param checkBackUrl the demo producer's check-back URL (the example order-service's endpoint)
   * @param checkBackSecret the demo producer's check-back signing secret (a throw-away demo value)
   */
  public record Demo(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("http://localhost:8081/rms/check-back") String checkBackUrl,
      @DefaultValue("demo-check-back-secret-embedded-mode-only") String checkBackSecret) {}
}
