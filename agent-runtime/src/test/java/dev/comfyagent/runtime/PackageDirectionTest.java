package dev.comfyagent.runtime;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package map of agent-runtime, checked against the compiled classes: no two packages import
 * each other (directly or round a loop), and each package imports only the packages below it. The
 * same map is written in each package's {@code package-info.java}; change both together.
 *
 * <pre>
 * cli                                 assembles everything below
 * session   execute   status          tools over a connection's workflow / ComfyUI
 * workflow                            the workflow, its patches, its tools
 * discover                            what ComfyUI has: node catalog, search, models
 * comfy   files   mcp                 ComfyUI's HTTP API; allowed folders; the MCP server
 * tool                                the Tool contract every package builds on
 * </pre>
 */
@AnalyzeClasses(
    packages = "dev.comfyagent.runtime",
    importOptions = ImportOption.DoNotIncludeTests.class)
class PackageDirectionTest {

  @ArchTest
  static final ArchRule noPackageImportsAnotherThatImportsItBack =
      slices().matching("dev.comfyagent.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule eachPackageImportsOnlyThePackagesBelowIt =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitecture()
          .layer("cli")
          .definedBy("dev.comfyagent.runtime.cli..")
          .layer("session")
          .definedBy("dev.comfyagent.runtime.session..")
          .layer("execute")
          .definedBy("dev.comfyagent.runtime.execute..")
          .layer("status")
          .definedBy("dev.comfyagent.runtime.status..")
          .layer("workflow")
          .definedBy("dev.comfyagent.runtime.workflow..")
          .layer("discover")
          .definedBy("dev.comfyagent.runtime.discover..")
          .layer("comfy")
          .definedBy("dev.comfyagent.runtime.comfy..")
          .layer("files")
          .definedBy("dev.comfyagent.runtime.files..")
          .layer("mcp")
          .definedBy("dev.comfyagent.runtime.mcp..")
          .layer("tool")
          .definedBy("dev.comfyagent.runtime.tool..")
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("session")
          .mayOnlyAccessLayers("workflow", "files", "tool")
          .whereLayer("execute")
          .mayOnlyAccessLayers("workflow", "comfy", "tool")
          .whereLayer("status")
          .mayOnlyAccessLayers("comfy", "tool")
          .whereLayer("workflow")
          .mayOnlyAccessLayers("discover", "files", "tool")
          .whereLayer("discover")
          .mayOnlyAccessLayers("comfy", "tool")
          .whereLayer("comfy")
          .mayOnlyAccessLayers("tool")
          .whereLayer("files")
          .mayOnlyAccessLayers("tool")
          .whereLayer("mcp")
          .mayOnlyAccessLayers("tool")
          .whereLayer("tool")
          .mayNotAccessAnyLayer();
}
