package io.rms.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An SDK's package boundaries: never the server's code; the public API (the root package and {@code
 * .testing}) never the internals ({@code .internal}, {@code .autoconfigure}); the internals never
 * the wiring. A subclass names the SDK's root package.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SdkArchitectureTest {
  private final String root;
  private final JavaClasses sdk;

  protected SdkArchitectureTest(String root) {
    this.root = root;
    this.sdk =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(root);
  }

  @Test
  public void sdkNeverDependsOnTheServer() {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.rms.service..").check(sdk);
  }

  @Test
  public void publicApiDoesNotExposeTheInternals() {
    noClasses()
        .that()
        .resideInAnyPackage(root, root + ".testing")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(root + ".internal..", root + ".autoconfigure..")
        .check(sdk);
  }

  @Test
  public void internalsDoNotDependOnTheWiring() {
    noClasses()
        .that()
        .resideInAPackage(root + ".internal..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(root + ".autoconfigure..")
        .check(sdk);
  }
}
