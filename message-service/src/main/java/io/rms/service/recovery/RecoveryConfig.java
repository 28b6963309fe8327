package io.rms.service.recovery;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.rms.recovery.Backoff;
import io.rms.recovery.CheckBackClient;
import io.rms.recovery.CheckBackPolicy;
import io.rms.recovery.CheckBackPort;
import io.rms.recovery.CheckBackSweep;
import io.rms.recovery.ExponentialBackoff;
import io.rms.recovery.RedeliveryPolicy;
import io.rms.recovery.RedeliveryPort;
import io.rms.recovery.RedeliverySweep;
import io.rms.recovery.ReplayPort;
import io.rms.recovery.ReplaySweep;
import io.rms.recovery.RetentionPort;
import io.rms.recovery.RetentionSweep;
import io.rms.recovery.StatsFoldPort;
import io.rms.recovery.StatsFoldSweep;
import io.rms.recovery.StrandedKeyPort;
import io.rms.recovery.StrandedKeySweep;
import io.rms.recovery.SweepMeter;
import io.rms.service.config.Jitter;
import io.rms.service.config.RmsProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sweeps with their policies from {@code rms.check-back} and {@code rms.recovery}, the
 * check-back thread pool, and the per-app circuit breakers and bulkheads (metrics bound to
 * Micrometer). The sweeps exist in every role (operators and tests call them); only the Quartz
 * schedule ({@link RecoverySchedule}) depends on the role.
 */
@Configuration(proxyBeanMethods = false)
class RecoveryConfig {

  @Bean
  SweepMeter sweepMeter(MeterRegistry meters, Clock clock) {
    return new SweepMeter(meters, clock);
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService checkBackCallers(RmsProperties properties) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        properties.checkBack().threads(),
        runnable -> {
          Thread t = new Thread(runnable, "rms-check-back-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * One breaker per app (named after it): opens when half of the last 10 calls (at least 5) failed
   * or timed out, refuses calls for {@code circuit-open-for}, then lets one probe through.
   */
  @Bean
  CircuitBreakerRegistry checkBackCircuitBreakers(RmsProperties properties, MeterRegistry meters) {
    CircuitBreakerRegistry registry =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(properties.checkBack().circuitOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    return registry;
  }

  /** One bulkhead per app: at most {@code per-app-concurrency} calls, no waiting for a slot. */
  @Bean
  BulkheadRegistry checkBackBulkheads(RmsProperties properties, MeterRegistry meters) {
    BulkheadRegistry registry =
        BulkheadRegistry.of(
            BulkheadConfig.custom()
                .maxConcurrentCalls(properties.checkBack().perAppConcurrency())
                .maxWaitDuration(Duration.ZERO)
                .build());
    TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
    return registry;
  }

  @Bean
  CheckBackSweep checkBackSweep(
      CheckBackPort port,
      CheckBackClient client,
      ExecutorService checkBackCallers,
      SweepMeter meter,
      RmsProperties properties,
      Jitter jitter,
      Clock clock) {
    RmsProperties.CheckBack config = properties.checkBack();
    RmsProperties.Recovery recovery = properties.recovery();
    Backoff backoff =
        new ExponentialBackoff(
                config.backoff().initial(), config.backoff().multiplier(), config.backoff().max())
            .jittered(jitter);
    return new CheckBackSweep(
        port,
        client,
        new CheckBackPolicy(
            recovery.batchSize(),
            config.maxChecks(),
            backoff,
            checkBackLease(properties),
            recovery.interval(),
            config.perAppConcurrency()),
        checkBackCallers,
        meter,
        clock);
  }

  /**
   * A claimed message must stay hidden until its check is answered even if every call of the batch
   * takes the full timeout: the calls of a batch run {@code threads} at a time.
   */
  static Duration checkBackLease(RmsProperties properties) {
    RmsProperties.CheckBack config = properties.checkBack();
    int rounds =
        (properties.recovery().batchSize() + config.threads() - 1) / Math.max(1, config.threads());
    Duration worstCase =
        config.connectTimeout().plus(config.readTimeout()).multipliedBy(rounds).plusSeconds(10);
    Duration lease = properties.recovery().lease();
    return worstCase.compareTo(lease) > 0 ? worstCase : lease;
  }

  @Bean
  RedeliverySweep redeliverySweep(RedeliveryPort port, SweepMeter meter, RmsProperties properties) {
    RmsProperties.Recovery recovery = properties.recovery();
    return new RedeliverySweep(
        port,
        new RedeliveryPolicy(recovery.batchSize(), recovery.maxInFlight(), recovery.lease()),
        meter);
  }

  @Bean
  ReplaySweep replaySweep(ReplayPort port, SweepMeter meter) {
    return new ReplaySweep(port, meter);
  }

  @Bean
  StrandedKeySweep strandedKeySweep(
      StrandedKeyPort port, SweepMeter meter, RmsProperties properties) {
    return new StrandedKeySweep(port, properties.recovery().batchSize(), meter);
  }

  @Bean
  RetentionSweep retentionSweep(RetentionPort port, SweepMeter meter, RmsProperties properties) {
    return new RetentionSweep(
        port,
        properties.retention(),
        properties.recovery().batchSize(),
        properties.recovery().retentionMaxBatches(),
        meter);
  }

  /** At most 20 fold transactions per run, like retention's batches. */
  @Bean
  StatsFoldSweep statsFoldSweep(StatsFoldPort port, SweepMeter meter, RmsProperties properties) {
    RmsProperties.Recovery recovery = properties.recovery();
    return new StatsFoldSweep(
        port, recovery.statsFoldLag(), recovery.statsFoldBatchSize(), 20, meter);
  }
}
