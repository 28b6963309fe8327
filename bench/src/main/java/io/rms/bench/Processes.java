package io.rms.bench;

import static io.rms.bench.Bench.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts and restarts the run's processes: the service and the consumer app, each with a lever's
 * settings, and the AOT training of the levers that use trained caches.
 */
final class Processes {
  private final BenchContext ctx;

  Processes(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** Restarts what the lever changes (the service, the producer app, the consumer app). */
  void apply(Lever lever) throws Exception {
    if (lever.trainedCaches() && ctx.aot.state() == AotCaches.State.UNTRAINED) {
      trainAot(lever);
    }
    if (!lever.queueArguments().equals(ctx.queueArguments)) {
      redeclareQueues(lever);
    } else if (!lever.sameService(ctx.serviceLever)) {
      ctx.service.close();
      startService(lever);
    }
    ctx.sdk.producerWith(lever.producerProperties());
    if (!lever.sameConsumerApp(ctx.consumerLever)) {
      ctx.consumerApp.close();
      startConsumerApp(lever);
    }
  }

  /**
   * Restarts everything that holds the run's queues around deleting them, so the service declares
   * them again with the lever's {@code rms.broker.*} settings (RabbitMQ would refuse the new
   * arguments on the old queues): the consumer app and the harness's consumers stop, the service
   * stops, the queues go, then all start again.
   */
  private void redeclareQueues(Lever lever) throws Exception {
    ctx.consumerApp.close();
    ctx.consumer.close();
    ctx.orderedConsumer.close();
    ctx.service.close();
    Housekeeping.rabbit(
        ch -> {
          for (String s : Bench.QUEUED_SUBSCRIPTIONS) {
            ch.queueDelete(ctx.prefix + s);
          }
        });
    log("queues deleted, to be declared with %s", lever.queueArguments());
    startService(lever);
    ctx.queueArguments = lever.queueArguments();
    startConsumerApp(lever);
    ctx.consumer = Bench.harnessConsumer(ctx, Bench.SUBSCRIPTION);
    ctx.orderedConsumer = Bench.harnessConsumer(ctx, Bench.ORDERED_SUBSCRIPTION);
  }

  /**
   * Trains the AOT caches of a lever that uses them, before its rows and outside their warm-up: the
   * service and the consumer app started with {@code -XX:AOTCacheOutput}, the {@code sdk} load
   * through them for {@code BENCH_AOT_TRAINING} seconds, then both stopped with SIGTERM, so their
   * JVMs write the caches; {@link #apply} then restarts both with them.
   */
  private void trainAot(Lever lever) throws Exception {
    AotCaches aot = ctx.aot;
    aot.startTraining();
    log("AOT training: %.0f s of sdk load, then the JVMs write their caches", aot.loadSeconds());
    ctx.service.close();
    startService(lever);
    ctx.consumerApp.close();
    startConsumerApp(lever);
    ctx.sdk.producerWith(lever.producerProperties());
    Load.Run run = Load.closed(ctx.warmupConcurrency(), aot.loadSeconds(), ctx.sdk.op());
    ctx.sdk.drain(30);
    ctx.sdk.clear();
    if (!ctx.consumerApp.stop(AotCaches.EXIT_TIMEOUT) | !ctx.service.stop(AotCaches.EXIT_TIMEOUT)) {
      throw new IllegalStateException("an AOT training process had to be killed: no cache");
    }
    aot.trained(List.of(AotCaches.SERVICE, AotCaches.CONSUMER_APP));
    ctx.serviceLever = null;
    ctx.consumerLever = null;
    log("  trained at %.0f/s, %d errors: %s", run.rate(), run.errors(), aot.facts());
  }

  void startConsumerApp(Lever lever) throws Exception {
    AotCaches aot = ctx.aot;
    ctx.consumerApp =
        ConsumerProcess.start(
            lever.jvm(AotCaches.CONSUMER_APP, aot),
            ctx.consumerDb.url(),
            ctx.port,
            ctx.prefix,
            lever.consumerProperties(),
            ctx.work);
    ctx.consumerLever = lever;
    if (lever.trainedCaches()) {
      aot.checkUsed(AotCaches.CONSUMER_APP, io.rms.bench.consumer.BenchConsumerApp.class.getName());
    }
    log(
        "consumer app pid %d %s%s(log %s)",
        ctx.consumerApp.pid(),
        lever.consumerProperties(),
        lever.jvm(AotCaches.CONSUMER_APP, aot).options(),
        ctx.consumerApp.log);
  }

  /** (Re)starts the service on the same ports, so the consumers' acks keep reaching it. */
  void startService(Lever lever) throws Exception {
    AotCaches aot = ctx.aot;
    Path serviceLog = Files.createTempFile(ctx.work, "service", ".log");
    Path serviceJar =
        lever.trainedCaches()
            ? aot.serviceJar(ctx.jar, new Jvm(lever.javaHome(), List.of()))
            : ctx.jar;
    ctx.service =
        ServiceProcess.start(
            serviceJar,
            ctx.serviceDb.url(),
            ctx.port,
            ctx.managementPort,
            ctx.prefix,
            serviceLog,
            lever.jvm(AotCaches.SERVICE, aot),
            java.util.stream.Stream.of(
                    List.of("--rms.replay.rate=" + ctx.replayRate),
                    lever.serviceArgs(),
                    // the five subscriptions ServiceProcess declares come first
                    ctx.push.serviceArgs(5))
                .flatMap(List::stream)
                .toList());
    ctx.serviceLever = lever;
    if (lever.trainedCaches()) {
      aot.checkUsed(AotCaches.SERVICE, AotCaches.mainClass(serviceJar));
    }
    ctx.api = new Api(ctx.service);
    log(
        "service pid %d on port %d %s%s%s (log %s)",
        ctx.service.pid(),
        ctx.service.port,
        lever.javaHome() == null ? "" : lever.javaHome() + " ",
        lever.jvm(AotCaches.SERVICE, aot).options(),
        lever.serviceArgs(),
        serviceLog);
  }
}
