package dev.comfyagent.instrument;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;

/**
 * No two packages of the agent import each other, directly or round a loop; a sub-package ({@code
 * hooks.gpu}) counts as a package of its own, and the root package ({@code AgentInstaller}, {@code
 * AgentEntry}) as one too.
 *
 * <p>The cycles the agent had when this test was written (the {@code export} packages: the root
 * package and {@code export} through {@code AgentContext}, {@code export} and each exporter through
 * {@code ExportHealth} and {@code FiguresReader}) are frozen in {@code
 * src/test/resources/archunit-store} (see {@code archunit.properties}): any other cycle fails, and
 * a frozen one that is resolved leaves the store. Do not add to the store; resolve a cycle instead.
 */
@AnalyzeClasses(
    packages = "dev.comfyagent.instrument",
    importOptions = ImportOption.DoNotIncludeTests.class)
class PackageCyclesTest {

  @ArchTest
  static final ArchRule noPackageImportsAnotherThatImportsItBack =
      FreezingArchRule.freeze(slices().matching("dev.comfyagent.(**)").should().beFreeOfCycles());
}
