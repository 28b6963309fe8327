package io.rms.service.recovery;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The recovery policies stay free of the service, and the core stays free of recovery. */
@AnalyzeClasses(packages = "io.rms", importOptions = ImportOption.DoNotIncludeTests.class)
class RecoveryBoundariesTest {

  @ArchTest
  static final ArchRule sweepsKnowOnlyTheirPorts =
      noClasses()
          .that()
          .resideInAPackage("io.rms.recovery..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.rms.service..", "org.springframework..", "feign..");

  @ArchTest
  static final ArchRule coreDoesNotReachIntoRecoveryOrAdmin =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.rms.service.message..", "io.rms.service.dispatch..", "io.rms.service.registry..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.rms.service.recovery..", "io.rms.service.admin..");

  @ArchTest
  static final ArchRule onlyTheAdminWebPackageServesOperatorActions =
      noClasses()
          .that()
          .resideInAPackage("io.rms.service.web..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.rms.service.recovery..");
}
