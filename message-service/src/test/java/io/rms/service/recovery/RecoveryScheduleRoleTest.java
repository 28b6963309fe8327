package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.config.RmsProperties;
import io.rms.service.config.RmsProperties.Role;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

class RecoveryScheduleRoleTest {

  @ParameterizedTest(name = "role {0} starts the scheduler: {1}")
  @CsvSource({"ALL, true", "JOBS, true", "API, false"})
  void onlyRolesThatRunJobsStartTheClusteredScheduler(Role role, boolean starts) {
    RmsProperties properties =
        new RmsProperties(
            role, List.of(), List.of(), null, null, null, null, 0, null, null, null, null, null);
    SchedulerFactoryBean factory = new SchedulerFactoryBean();
    new RecoverySchedule().schedulerOnlyInJobRoles(properties).customize(factory);
    assertThat(factory.isAutoStartup()).isEqualTo(starts);
  }
}
