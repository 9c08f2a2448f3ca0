package dev.comfyagent.benchmarks;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * No two packages of the benchmarks import each other, directly or round a loop, as in the runtime
 * and the agent; the JMH classes generated beside the benchmarks are left out (they import only
 * their own benchmark's package).
 */
@AnalyzeClasses(
    packages = "dev.comfyagent.benchmarks",
    importOptions = {ImportOption.DoNotIncludeTests.class, PackageCyclesTest.NotGenerated.class})
class PackageCyclesTest {

  @ArchTest
  static final ArchRule noPackageImportsAnotherThatImportsItBack =
      slices().matching("dev.comfyagent.(**)").should().beFreeOfCycles();

  /** Leaves out JMH's generated classes. */
  static final class NotGenerated implements ImportOption {
    @Override
    public boolean includes(com.tngtech.archunit.core.importer.Location location) {
      return !location.contains("/jmh_generated/");
    }
  }
}
