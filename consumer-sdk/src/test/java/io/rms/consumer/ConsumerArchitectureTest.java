package io.rms.consumer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The SDK's package boundaries: never the server's code; the public API never the internals. */
class ConsumerArchitectureTest {
  private static final JavaClasses SDK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.rms.consumer");

  @Test
  void sdkNeverDependsOnTheServer() {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.rms.service..").check(SDK);
  }

  @Test
  void publicApiDoesNotExposeTheInternals() {
    noClasses()
        .that()
        .resideInAnyPackage("io.rms.consumer", "io.rms.consumer.testing")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.rms.consumer.internal..", "io.rms.consumer.autoconfigure..")
        .check(SDK);
  }

  @Test
  void internalsDoNotDependOnTheWiring() {
    noClasses()
        .that()
        .resideInAPackage("io.rms.consumer.internal..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.rms.consumer.autoconfigure..")
        .check(SDK);
  }
}
