package dev.comfyagent.instrument.hooks.stats;

import dev.comfyagent.instrument.weave.HostMethods;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

/**
 * The MCP SDK classes of one server, as its own class loader sees them, reached through method
 * handles: the agent builds the SDK's {@code McpSchema.Tool}, tool specification, {@code
 * CallToolResult} and Reactor {@code Mono} without linking to the SDK, and hands the SDK only its
 * own objects and JDK functional interfaces ({@code BiFunction}, {@code Callable}) implemented by
 * the agent. Nothing of the agent's shaded libraries reaches the host.
 *
 * <p>Looked up once per features class (SDK 2.1.0 names, checked with javap). Thread-safe.
 */
final class SdkTypes {

  private static final String SCHEMA = "io.modelcontextprotocol.spec.McpSchema";
  private static final MethodHandles.Lookup PUBLIC = MethodHandles.publicLookup();

  private static final ClassValue<Optional<SdkTypes>> BY_FEATURES =
      new ClassValue<>() {
        @Override
        protected Optional<SdkTypes> computeValue(Class<?> featuresType) {
          try {
            return Optional.of(new SdkTypes(featuresType));
          } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
          }
        }
      };

  private final MethodHandle toolBuilder;
  private final MethodHandle toolTitle;
  private final MethodHandle toolDescription;
  private final MethodHandle toolAnnotations;
  private final MethodHandle toolBuild;
  private final MethodHandle annotationsBuilder;
  private final MethodHandle annotationsTitle;
  private final MethodHandle annotationsReadOnly;
  private final MethodHandle annotationsDestructive;
  private final MethodHandle annotationsIdempotent;
  private final MethodHandle annotationsOpenWorld;
  private final MethodHandle annotationsBuild;
  private final MethodHandle specification;
  private final MethodHandle specificationTool;
  private final MethodHandle toolName;
  private final MethodHandle resultBuilder;
  private final MethodHandle resultText;
  private final MethodHandle resultStructured;
  private final MethodHandle resultIsError;
  private final MethodHandle resultBuild;
  private final MethodHandle monoFromCallable;
  private final MethodHandle capabilitiesTools;
  private final MethodHandle capabilitiesMutate;
  private final MethodHandle capabilitiesBuilderTools;
  private final MethodHandle capabilitiesBuild;
  private final MethodHandle requestArguments;

  private SdkTypes(Class<?> featuresType) throws ReflectiveOperationException {
    ClassLoader loader = featuresType.getClassLoader();
    Class<?> tool = load(SCHEMA + "$Tool", loader);
    Class<?> toolBuilderType = load(SCHEMA + "$Tool$Builder", loader);
    Class<?> annotations = load(SCHEMA + "$ToolAnnotations", loader);
    Class<?> annotationsBuilderType = load(SCHEMA + "$ToolAnnotations$Builder", loader);
    Class<?> result = load(SCHEMA + "$CallToolResult", loader);
    Class<?> resultBuilderType = load(SCHEMA + "$CallToolResult$Builder", loader);
    Class<?> capabilities = load(SCHEMA + "$ServerCapabilities", loader);
    Class<?> capabilitiesBuilder = load(SCHEMA + "$ServerCapabilities$Builder", loader);
    Class<?> toolCapabilities = load(SCHEMA + "$ServerCapabilities$ToolCapabilities", loader);
    Class<?> request = load(SCHEMA + "$CallToolRequest", loader);
    Class<?> specificationType = load(featuresType.getName() + "ToolSpecification", loader);
    Class<?> mono = load("reactor.core.publisher.Mono", loader);

    toolBuilder =
        PUBLIC.findStatic(
            tool, "builder", MethodType.methodType(toolBuilderType, String.class, Map.class));
    toolTitle = setter(toolBuilderType, "title", String.class);
    toolDescription = setter(toolBuilderType, "description", String.class);
    toolAnnotations = setter(toolBuilderType, "annotations", annotations);
    toolBuild = PUBLIC.findVirtual(toolBuilderType, "build", MethodType.methodType(tool));
    annotationsBuilder =
        PUBLIC.findStatic(annotations, "builder", MethodType.methodType(annotationsBuilderType));
    annotationsTitle = setter(annotationsBuilderType, "title", String.class);
    annotationsReadOnly = setter(annotationsBuilderType, "readOnlyHint", Boolean.class);
    annotationsDestructive = setter(annotationsBuilderType, "destructiveHint", Boolean.class);
    annotationsIdempotent = setter(annotationsBuilderType, "idempotentHint", Boolean.class);
    annotationsOpenWorld = setter(annotationsBuilderType, "openWorldHint", Boolean.class);
    annotationsBuild =
        PUBLIC.findVirtual(annotationsBuilderType, "build", MethodType.methodType(annotations));
    specification =
        PUBLIC.findConstructor(
            specificationType, MethodType.methodType(void.class, tool, BiFunction.class));
    specificationTool = PUBLIC.findVirtual(specificationType, "tool", MethodType.methodType(tool));
    toolName = PUBLIC.findVirtual(tool, "name", MethodType.methodType(String.class));
    resultBuilder = PUBLIC.findStatic(result, "builder", MethodType.methodType(resultBuilderType));
    resultText = setter(resultBuilderType, "addTextContent", String.class);
    resultStructured = setter(resultBuilderType, "structuredContent", Object.class);
    resultIsError = setter(resultBuilderType, "isError", Boolean.class);
    resultBuild = PUBLIC.findVirtual(resultBuilderType, "build", MethodType.methodType(result));
    monoFromCallable =
        PUBLIC.findStatic(mono, "fromCallable", MethodType.methodType(mono, Callable.class));
    capabilitiesTools =
        PUBLIC.findVirtual(capabilities, "tools", MethodType.methodType(toolCapabilities));
    capabilitiesMutate =
        PUBLIC.findVirtual(capabilities, "mutate", MethodType.methodType(capabilitiesBuilder));
    capabilitiesBuilderTools = setter(capabilitiesBuilder, "tools", Boolean.class);
    capabilitiesBuild =
        PUBLIC.findVirtual(capabilitiesBuilder, "build", MethodType.methodType(capabilities));
    requestArguments = HostMethods.noArgs(request, "arguments", Map.class);
    if (requestArguments == null) {
      throw new NoSuchMethodException(request.getName() + "#arguments");
    }
  }

  /** The SDK types of the server whose features record is {@code featuresType}, if complete. */
  static Optional<SdkTypes> of(Class<?> featuresType) {
    return BY_FEATURES.get(featuresType);
  }

  /** An {@code McpSchema.Tool} marked read-only, idempotent, not destructive, closed world. */
  Object tool(String name, String title, String description, Map<String, Object> inputSchema)
      throws Throwable {
    Object annotations = annotationsBuilder.invoke();
    annotations = annotationsTitle.invoke(annotations, title);
    annotations = annotationsReadOnly.invoke(annotations, Boolean.TRUE);
    annotations = annotationsDestructive.invoke(annotations, Boolean.FALSE);
    annotations = annotationsIdempotent.invoke(annotations, Boolean.TRUE);
    annotations = annotationsOpenWorld.invoke(annotations, Boolean.FALSE);
    Object builder = toolBuilder.invoke(name, inputSchema);
    builder = toolTitle.invoke(builder, title);
    builder = toolDescription.invoke(builder, description);
    builder = toolAnnotations.invoke(builder, annotationsBuild.invoke(annotations));
    return toolBuild.invoke(builder);
  }

  /** The server's asynchronous tool specification of {@code tool}, answered by {@code handler}. */
  Object specification(Object tool, BiFunction<Object, Object, Object> handler) throws Throwable {
    return specification.invoke(tool, handler);
  }

  /** The name of the tool of a specification, or null when it is not one of this SDK's. */
  String toolName(Object specification) {
    try {
      return (String) toolName.invoke(specificationTool.invoke(specification));
    } catch (Throwable e) {
      return null;
    }
  }

  /** The names of the tools of a list of specifications (unknown entries left out). */
  List<String> toolNames(List<?> specifications) {
    return specifications.stream().map(this::toolName).filter(n -> n != null).toList();
  }

  /** A {@code CallToolResult} with one text content and structured content. */
  Object result(String text, Map<String, Object> structured, boolean isError) throws Throwable {
    Object builder = resultBuilder.invoke();
    builder = resultText.invoke(builder, text);
    if (structured != null) {
      builder = resultStructured.invoke(builder, (Object) structured);
    }
    builder = resultIsError.invoke(builder, Boolean.valueOf(isError));
    return resultBuild.invoke(builder);
  }

  /** A Reactor {@code Mono} of the host that runs {@code callable} when subscribed. */
  Object mono(Callable<Object> callable) throws Throwable {
    return monoFromCallable.invoke(callable);
  }

  /** The {@code arguments()} of a {@code CallToolRequest}, or null. */
  Map<?, ?> arguments(Object request) throws Throwable {
    return request == null ? null : (Map<?, ?>) (Object) requestArguments.invoke(request);
  }

  /**
   * The capabilities with the tools capability set: {@code capabilities} itself when it has one or
   * is null (the features record then derives the capabilities from its tools, ours included).
   */
  Object withToolsCapability(Object capabilities) throws Throwable {
    if (capabilities == null || capabilitiesTools.invoke(capabilities) != null) {
      return capabilities;
    }
    Object builder = capabilitiesMutate.invoke(capabilities);
    builder = capabilitiesBuilderTools.invoke(builder, Boolean.FALSE);
    return capabilitiesBuild.invoke(builder);
  }

  private static MethodHandle setter(Class<?> builder, String name, Class<?> parameter)
      throws ReflectiveOperationException {
    return PUBLIC.findVirtual(builder, name, MethodType.methodType(builder, parameter));
  }

  private static Class<?> load(String name, ClassLoader loader) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }
}
