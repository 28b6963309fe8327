package io.rms.producer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The SDK's package boundaries: never the server's code; the public API never the internals. */
class ProducerArchitectureTest {
  private static final JavaClasses SDK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.rms.producer");

  @Test
  void sdkNeverDependsOnTheServer() {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.rms.service..").check(SDK);
  }

  @Test
  void publicApiDoesNotExposeTheInternals() {
    noClasses()
        .that()
        .resideInAnyPackage("io.rms.producer", "io.rms.producer.testing")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.rms.producer.internal..", "io.rms.producer.autoconfigure..")
        .check(SDK);
  }

  @Test
  void internalsDoNotDependOnTheWiring() {
    noClasses()
        .that()
        .resideInAPackage("io.rms.producer.internal..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.rms.producer.autoconfigure..")
        .check(SDK);
  }
}
