package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCachesTest {
  private static final List<String> BOTH = List.of(AotCaches.SERVICE, AotCaches.CONSUMER_APP);

  /** A clock that reads {@code now[0]} seconds. */
  private static Clock clock(long[] now) {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochSecond(now[0]);
      }
    };
  }

  @Test
  void noOptionsBeforeTheTrainingStarts(@TempDir Path dir) {
    AotCaches caches = new AotCaches(dir, 30, Clock.systemUTC());

    assertThat(caches.state()).isEqualTo(AotCaches.State.UNTRAINED);
    assertThatThrownBy(() -> caches.options(AotCaches.SERVICE))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingOrEmptyCacheFailsTheTraining(@TempDir Path dir) throws Exception {
    AotCaches caches = new AotCaches(dir.resolve("aot"), 30, Clock.systemUTC());
    caches.startTraining();
    Files.writeString(caches.cache(AotCaches.SERVICE), "cache");
    Files.writeString(caches.cache(AotCaches.CONSUMER_APP), "");

    assertThatThrownBy(() -> caches.trained(BOTH))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(AotCaches.CONSUMER_APP);
    assertThat(caches.state()).isEqualTo(AotCaches.State.TRAINING);
  }

  @Test
  void trainedRecordsSizesAndTheTrainingsTime(@TempDir Path dir) throws Exception {
    long[] now = {1000};
    AotCaches caches = new AotCaches(dir, 25, clock(now));
    caches.startTraining();
    Files.write(caches.cache(AotCaches.SERVICE), new byte[3 * 1048576]);
    Files.write(caches.cache(AotCaches.CONSUMER_APP), new byte[1048576]);
    now[0] += 71;

    caches.trained(BOTH);

    assertThat(caches.state()).isEqualTo(AotCaches.State.TRAINED);
    assertThat(caches.facts())
        .containsEntry("training_load_s", 25.0)
        .containsEntry("training_s", 71.0)
        .containsEntry("cache_mib", Map.of(AotCaches.SERVICE, 3.0, AotCaches.CONSUMER_APP, 1.0));
    assertThatThrownBy(caches::startTraining).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void classLoadsCountWhatCameFromTheCache() {
    AotCaches.ClassLoads loads =
        AotCaches.ClassLoads.of(
            List.of(
                "[0.02s][info][class,load] java.lang.Object source: shared objects file",
                "[0.05s][info][class,load] io.rms.App source: shared objects file",
                "[0.07s][info][class,load] io.rms.Late source: file:/app/app.jar",
                "[0.08s][info][class,load] io.rms.Top source: shared objects file (top)",
                "not a class load line"));

    assertThat(loads.total()).isEqualTo(4);
    assertThat(loads.fromCache()).isEqualTo(3);
    assertThat(loads.has("io.rms.App")).isTrue();
    assertThat(loads.has("io.rms.Late")).isFalse();
  }

  @Test
  void aProcessWhoseOwnClassesDidNotComeFromTheCacheFailsTheRun(@TempDir Path dir)
      throws Exception {
    AotCaches caches = trained(dir);
    Files.writeString(
        caches.classLog(AotCaches.CONSUMER_APP),
        "[0.02s][info][class,load] java.lang.Object source: shared objects file\n"
            + "[0.05s][info][class,load] io.rms.App source: file:/app/app.jar\n");

    assertThatThrownBy(() -> caches.checkUsed(AotCaches.CONSUMER_APP, "io.rms.App"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("io.rms.App");
  }

  @Test
  void aProcessStartedFromItsCacheIsRecorded(@TempDir Path dir) throws Exception {
    AotCaches caches = trained(dir);
    Files.writeString(
        caches.classLog(AotCaches.SERVICE),
        "[0.02s][info][class,load] java.lang.Object source: shared objects file\n"
            + "[0.05s][info][class,load] io.rms.App source: shared objects file\n"
            + "[0.09s][info][class,load] io.rms.Late source: file:/app/app.jar\n");

    caches.checkUsed(AotCaches.SERVICE, "io.rms.App");

    assertThat(caches.facts())
        .containsEntry("classes_from_cache", Map.of(AotCaches.SERVICE, "2 of 3"));
  }

  private static AotCaches trained(Path dir) throws Exception {
    AotCaches caches = new AotCaches(dir, 30, Clock.systemUTC());
    caches.startTraining();
    for (String process : BOTH) {
      Files.writeString(caches.cache(process), "cache");
    }
    caches.trained(BOTH);
    return caches;
  }
}
