package io.rms.service;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** Package boundaries and clock discipline, checked on the compiled classes. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.rms.service");

  @Test
  void theDomainDoesNotKnowTheWebLayer() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.rms.service.message..", "io.rms.service.registry..", "io.rms.service.dispatch..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.rms.service.web..", "io.rms.service.security..")
        .check(CLASSES);
  }

  @Test
  void messagesReachTheBrokerOnlyThroughTheDispatcherPort() {
    noClasses()
        .that()
        .resideInAPackage("io.rms.service.message..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.rms.service.dispatch..", "org.springframework.amqp..")
        .check(CLASSES);
  }

  @Test
  void theRegistryDoesNotDependOnMessages() {
    noClasses()
        .that()
        .resideInAPackage("io.rms.service.registry..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.rms.service.message..", "io.rms.service.dispatch..")
        .check(CLASSES);
  }

  @Test
  void theDashboardActsOnlyThroughUseCasesAndNothingDependsOnIt() {
    noClasses()
        .that()
        .resideInAPackage("io.rms.service.dashboard..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.rms.service.dispatch..", "io.rms.service.web..", "io.rms.service.admin..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.rms.service.dashboard..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.rms.service.dashboard..")
        .check(CLASSES);
  }

  @Test
  void nobodyReadsTheWallClockDirectly() {
    noClasses()
        .should()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(LocalDateTime.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .because("time comes from the injected Clock or the database's now()")
        .check(CLASSES);
  }
}
