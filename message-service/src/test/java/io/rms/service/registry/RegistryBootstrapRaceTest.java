package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.config.RmsProperties.AppConfig;
import io.rms.service.config.RmsProperties.Backoff;
import io.rms.service.config.RmsProperties.SubscriptionConfig;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Replicas that start together on a new database apply the same configuration at once: both starts
 * succeed (they take turns; the second updates what the first inserted) instead of one failing on a
 * duplicate key.
 */
class RegistryBootstrapRaceTest extends IntegrationTest {
  @Autowired RegistryBootstrap bootstrap;

  @Test
  void twoStartsApplyingTheSameNewAppsAtOnceBothSucceed() throws Exception {
    for (int round = 0; round < 5; round++) {
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      List<AppConfig> apps =
          List.of(
              new AppConfig(
                  "race-" + suffix, List.of(), List.of("race." + suffix), null, null, List.of()));
      List<SubscriptionConfig> subs =
          List.of(
              new SubscriptionConfig(
                  "race." + suffix,
                  "race." + suffix,
                  "race-" + suffix,
                  null,
                  Duration.ofSeconds(60),
                  10,
                  new Backoff(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10)),
                  false,
                  "pull",
                  null));
      CyclicBarrier together = new CyclicBarrier(2);
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        starts.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    together.await();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  bootstrap.apply(apps, subs);
                }));
      }
      for (CompletableFuture<Void> start : starts) {
        start.get();
      }
      assertThat(
              jdbc.queryForObject(
                  "select delivery_mode from subscription where name = ?",
                  String.class,
                  "race." + suffix))
          .isEqualTo("pull");
    }
  }
}
