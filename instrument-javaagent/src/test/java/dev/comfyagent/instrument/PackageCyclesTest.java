package dev.comfyagent.instrument;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * No two packages of the agent import each other, directly or round a loop; a sub-package ({@code
 * hooks.gpu}) counts as a package of its own, and the root package ({@code Agent}, {@code
 * AgentInstaller}) as one too. Nothing is frozen: any cycle fails.
 */
@AnalyzeClasses(
    packages = "dev.comfyagent.instrument",
    importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

  @ArchTest
  static final ArchRule noPackageImportsAnotherThatImportsItBack =
      slices().matching("dev.comfyagent.(**)").should().beFreeOfCycles();
}
