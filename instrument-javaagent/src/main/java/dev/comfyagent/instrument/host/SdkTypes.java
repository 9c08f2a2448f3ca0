package dev.comfyagent.instrument.host;

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
 * <p>Looked up once per features class, through the API each release has (checked with javap on
 * 0.8.1, 0.9.0, 0.10.0, 0.14.1, 0.17.2, 1.0.0, 1.1.5, 2.1.0 and 2.2.0): how a tool is built (see
 * {@link ToolShape}), a {@code CallToolResult} builder (0.9 on) or constructor (0.8), {@code
 * ServerCapabilities.mutate()} (0.11 on) or the record's constructor, and the specification's
 * {@code (Tool, BiFunction)} constructor, whose handler receives the arguments map (0.8 to 0.17) or
 * the {@code CallToolRequest} (1.0 on). Thread-safe.
 */
public final class SdkTypes {

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

  private final ToolShape toolShape;
  private final MethodHandle toolBuilder;
  private final MethodHandle toolName0;
  private final MethodHandle toolTitle;
  private final MethodHandle toolDescription;
  private final MethodHandle toolInputSchema;
  private final MethodHandle toolAnnotations;
  private final MethodHandle toolBuild;
  private final MethodHandle toolConstructor;
  private final MethodHandle jsonSchema;
  private final int jsonSchemaArity;
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
  private final MethodHandle resultConstructor;
  private final MethodHandle textContent;
  private final MethodHandle monoFromCallable;
  private final Class<?> capabilitiesType;
  private final MethodHandle capabilitiesTools;
  private final MethodHandle capabilitiesMutate;
  private final MethodHandle capabilitiesBuilderTools;
  private final MethodHandle capabilitiesBuild;
  private final MethodHandle toolCapabilities;
  private final MethodHandle requestArguments;

  /**
   * How a release builds an {@code McpSchema.Tool} (checked with javap on each release's jar):
   * {@code Tool.builder(String, Map)} from 2.0, {@code Tool.builder()} with a {@code JsonSchema}
   * record from 0.11 to 1.1, the {@code Tool(String, String, JsonSchema)} constructor in 0.8 to
   * 0.10.
   */
  private enum ToolShape {
    NAMED_BUILDER,
    EMPTY_BUILDER,
    CONSTRUCTOR
  }

  private SdkTypes(Class<?> featuresType) throws ReflectiveOperationException {
    ClassLoader loader = featuresType.getClassLoader();
    Class<?> tool = load(SCHEMA + "$Tool", loader);
    Class<?> result = load(SCHEMA + "$CallToolResult", loader);
    Class<?> capabilities = load(SCHEMA + "$ServerCapabilities", loader);
    Class<?> toolCapabilitiesType = load(SCHEMA + "$ServerCapabilities$ToolCapabilities", loader);
    Class<?> specificationType = load(featuresType.getName() + "ToolSpecification", loader);
    Class<?> mono = load("reactor.core.publisher.Mono", loader);
    Class<?> toolBuilderType = optionalClass(SCHEMA + "$Tool$Builder", loader);
    Class<?> schemaType = optionalClass(SCHEMA + "$JsonSchema", loader);
    Class<?> annotations = optionalClass(SCHEMA + "$ToolAnnotations", loader);
    Class<?> annotationsBuilderType = optionalClass(SCHEMA + "$ToolAnnotations$Builder", loader);

    MethodHandle named =
        toolBuilderType == null
            ? null
            : optionalStatic(tool, "builder", toolBuilderType, String.class, Map.class);
    MethodHandle empty =
        toolBuilderType == null ? null : optionalStatic(tool, "builder", toolBuilderType);
    toolShape =
        named != null
            ? ToolShape.NAMED_BUILDER
            : empty != null ? ToolShape.EMPTY_BUILDER : ToolShape.CONSTRUCTOR;
    toolBuilder = named != null ? named : empty;
    boolean builds = toolShape != ToolShape.CONSTRUCTOR;
    toolName0 = builds ? optionalSetter(toolBuilderType, "name", String.class) : null;
    toolTitle = builds ? optionalSetter(toolBuilderType, "title", String.class) : null;
    toolDescription = builds ? setter(toolBuilderType, "description", String.class) : null;
    toolInputSchema =
        toolShape == ToolShape.EMPTY_BUILDER
            ? setter(toolBuilderType, "inputSchema", schemaType)
            : null;
    toolAnnotations =
        builds && annotations != null
            ? optionalSetter(toolBuilderType, "annotations", annotations)
            : null;
    toolBuild =
        builds ? PUBLIC.findVirtual(toolBuilderType, "build", MethodType.methodType(tool)) : null;
    toolConstructor =
        toolShape == ToolShape.CONSTRUCTOR
            ? PUBLIC.findConstructor(
                tool, MethodType.methodType(void.class, String.class, String.class, schemaType))
            : null;
    if (toolShape == ToolShape.NAMED_BUILDER) {
      jsonSchema = null;
      jsonSchemaArity = 0;
    } else {
      // JsonSchema(type, properties, required, additionalProperties[, $defs, definitions])
      java.lang.reflect.RecordComponent[] parts = schemaType.getRecordComponents();
      Class<?>[] types = new Class<?>[parts == null ? 0 : parts.length];
      for (int i = 0; i < types.length; i++) {
        types[i] = parts[i].getType();
      }
      if (types.length < 4) {
        throw new NoSuchMethodException(schemaType.getName() + " has no known constructor");
      }
      jsonSchema = PUBLIC.findConstructor(schemaType, MethodType.methodType(void.class, types));
      jsonSchemaArity = types.length;
    }
    boolean annotated = annotationsBuilderType != null && toolAnnotations != null;
    annotationsBuilder =
        annotated
            ? PUBLIC.findStatic(
                annotations, "builder", MethodType.methodType(annotationsBuilderType))
            : null;
    annotationsTitle = annotated ? setter(annotationsBuilderType, "title", String.class) : null;
    annotationsReadOnly =
        annotated ? setter(annotationsBuilderType, "readOnlyHint", Boolean.class) : null;
    annotationsDestructive =
        annotated ? setter(annotationsBuilderType, "destructiveHint", Boolean.class) : null;
    annotationsIdempotent =
        annotated ? setter(annotationsBuilderType, "idempotentHint", Boolean.class) : null;
    annotationsOpenWorld =
        annotated ? setter(annotationsBuilderType, "openWorldHint", Boolean.class) : null;
    annotationsBuild =
        annotated
            ? PUBLIC.findVirtual(
                annotationsBuilderType, "build", MethodType.methodType(annotations))
            : null;

    specification =
        PUBLIC.findConstructor(
            specificationType, MethodType.methodType(void.class, tool, BiFunction.class));
    specificationTool = PUBLIC.findVirtual(specificationType, "tool", MethodType.methodType(tool));
    toolName = PUBLIC.findVirtual(tool, "name", MethodType.methodType(String.class));

    Class<?> resultBuilderType = optionalClass(SCHEMA + "$CallToolResult$Builder", loader);
    resultBuilder =
        resultBuilderType == null ? null : optionalStatic(result, "builder", resultBuilderType);
    if (resultBuilder != null) {
      resultText = setter(resultBuilderType, "addTextContent", String.class);
      resultStructured = optionalSetter(resultBuilderType, "structuredContent", Object.class);
      resultIsError = setter(resultBuilderType, "isError", Boolean.class);
      resultBuild = PUBLIC.findVirtual(resultBuilderType, "build", MethodType.methodType(result));
      resultConstructor = null;
      textContent = null;
    } else {
      // 0.8: CallToolResult(List<Content>, Boolean) with a TextContent(String)
      resultText = null;
      resultStructured = null;
      resultIsError = null;
      resultBuild = null;
      resultConstructor =
          PUBLIC.findConstructor(
              result, MethodType.methodType(void.class, List.class, Boolean.class));
      textContent =
          PUBLIC.findConstructor(
              load(SCHEMA + "$TextContent", loader),
              MethodType.methodType(void.class, String.class));
    }
    monoFromCallable =
        PUBLIC.findStatic(mono, "fromCallable", MethodType.methodType(mono, Callable.class));
    capabilitiesType = capabilities;
    capabilitiesTools =
        PUBLIC.findVirtual(capabilities, "tools", MethodType.methodType(toolCapabilitiesType));
    Class<?> capabilitiesBuilder = optionalClass(SCHEMA + "$ServerCapabilities$Builder", loader);
    capabilitiesMutate =
        capabilitiesBuilder == null
            ? null
            : optionalVirtual(capabilities, "mutate", capabilitiesBuilder);
    capabilitiesBuilderTools =
        capabilitiesMutate == null ? null : setter(capabilitiesBuilder, "tools", Boolean.class);
    capabilitiesBuild =
        capabilitiesMutate == null
            ? null
            : PUBLIC.findVirtual(capabilitiesBuilder, "build", MethodType.methodType(capabilities));
    toolCapabilities =
        PUBLIC.findConstructor(
            toolCapabilitiesType, MethodType.methodType(void.class, Boolean.class));
    Class<?> request = optionalClass(SCHEMA + "$CallToolRequest", loader);
    requestArguments = request == null ? null : HostMethods.noArgs(request, "arguments", Map.class);
  }

  /** The SDK types of the server whose features record is {@code featuresType}, if complete. */
  public static Optional<SdkTypes> of(Class<?> featuresType) {
    return BY_FEATURES.get(featuresType);
  }

  /**
   * An {@code McpSchema.Tool} marked read-only, idempotent, not destructive, closed world (where
   * the release has tool annotations and titles; 0.8 to 0.10 have neither).
   */
  public Object tool(String name, String title, String description, Map<String, Object> inputSchema)
      throws Throwable {
    if (toolShape == ToolShape.CONSTRUCTOR) {
      return toolConstructor.invoke(name, description, schema(inputSchema));
    }
    Object builder =
        toolShape == ToolShape.NAMED_BUILDER
            ? toolBuilder.invoke(name, inputSchema)
            : toolName0.invoke(toolBuilder.invoke(), name);
    if (toolInputSchema != null) {
      builder = toolInputSchema.invoke(builder, schema(inputSchema));
    }
    if (toolTitle != null) {
      builder = toolTitle.invoke(builder, title);
    }
    builder = toolDescription.invoke(builder, description);
    if (annotationsBuilder != null) {
      Object annotations = annotationsBuilder.invoke();
      annotations = annotationsTitle.invoke(annotations, title);
      annotations = annotationsReadOnly.invoke(annotations, Boolean.TRUE);
      annotations = annotationsDestructive.invoke(annotations, Boolean.FALSE);
      annotations = annotationsIdempotent.invoke(annotations, Boolean.TRUE);
      annotations = annotationsOpenWorld.invoke(annotations, Boolean.FALSE);
      builder = toolAnnotations.invoke(builder, annotationsBuild.invoke(annotations));
    }
    return toolBuild.invoke(builder);
  }

  /** The release's {@code JsonSchema} record of an object schema given as a map. */
  private Object schema(Map<String, Object> inputSchema) throws Throwable {
    Object[] values = new Object[jsonSchemaArity];
    values[0] = inputSchema.get("type");
    values[1] = inputSchema.get("properties");
    values[2] = inputSchema.get("required");
    values[3] = inputSchema.get("additionalProperties");
    return jsonSchema.invokeWithArguments(values);
  }

  /** The server's asynchronous tool specification of {@code tool}, answered by {@code handler}. */
  public Object specification(Object tool, BiFunction<Object, Object, Object> handler)
      throws Throwable {
    return specification.invoke(tool, handler);
  }

  /** The name of the tool of a specification, or null when it is not one of this SDK's. */
  public String toolName(Object specification) {
    try {
      return (String) toolName.invoke(specificationTool.invoke(specification));
    } catch (Throwable e) {
      return null;
    }
  }

  /** The names of the tools of a list of specifications (unknown entries left out). */
  public List<String> toolNames(List<?> specifications) {
    return specifications.stream().map(this::toolName).filter(n -> n != null).toList();
  }

  /**
   * A {@code CallToolResult} with one text content, and structured content where the release has it
   * (0.11 on).
   */
  public Object result(String text, Map<String, Object> structured, boolean isError)
      throws Throwable {
    if (resultBuilder == null) {
      return resultConstructor.invoke(List.of(textContent.invoke(text)), Boolean.valueOf(isError));
    }
    Object builder = resultBuilder.invoke();
    builder = resultText.invoke(builder, text);
    if (structured != null && resultStructured != null) {
      builder = resultStructured.invoke(builder, (Object) structured);
    }
    builder = resultIsError.invoke(builder, Boolean.valueOf(isError));
    return resultBuild.invoke(builder);
  }

  /** A Reactor {@code Mono} of the host that runs {@code callable} when subscribed. */
  public Object mono(Callable<Object> callable) throws Throwable {
    return monoFromCallable.invoke(callable);
  }

  /**
   * The arguments of a call: the {@code arguments()} of a {@code CallToolRequest} (0.14 on), or the
   * map itself where the release hands the handler the arguments (0.8 to 0.17); null otherwise.
   */
  public Map<?, ?> arguments(Object request) throws Throwable {
    if (request instanceof Map<?, ?> map) {
      return map;
    }
    return request == null || requestArguments == null
        ? null
        : (Map<?, ?>) (Object) requestArguments.invoke(request);
  }

  /**
   * The capabilities with the tools capability set: {@code capabilities} itself when it has one or
   * is null (the features record then derives the capabilities from its tools, ours included).
   */
  public Object withToolsCapability(Object capabilities) throws Throwable {
    if (capabilities == null || capabilitiesTools.invoke(capabilities) != null) {
      return capabilities;
    }
    if (capabilitiesMutate != null) {
      Object builder = capabilitiesMutate.invoke(capabilities);
      builder = capabilitiesBuilderTools.invoke(builder, Boolean.FALSE);
      return capabilitiesBuild.invoke(builder);
    }
    // Releases without mutate() (before 0.11): the record again, its tools component set.
    java.lang.reflect.RecordComponent[] parts = capabilitiesType.getRecordComponents();
    Class<?>[] types = new Class<?>[parts.length];
    Object[] values = new Object[parts.length];
    for (int i = 0; i < parts.length; i++) {
      types[i] = parts[i].getType();
      values[i] =
          parts[i].getName().equals("tools")
              ? toolCapabilities.invoke(Boolean.FALSE)
              : parts[i].getAccessor().invoke(capabilities);
    }
    return PUBLIC
        .findConstructor(capabilitiesType, MethodType.methodType(void.class, types))
        .invokeWithArguments(values);
  }

  private static MethodHandle setter(Class<?> builder, String name, Class<?> parameter)
      throws ReflectiveOperationException {
    return PUBLIC.findVirtual(builder, name, MethodType.methodType(builder, parameter));
  }

  private static MethodHandle optionalSetter(Class<?> builder, String name, Class<?> parameter) {
    return optionalVirtual(builder, name, builder, parameter);
  }

  private static MethodHandle optionalVirtual(
      Class<?> type, String name, Class<?> returns, Class<?>... parameters) {
    try {
      return PUBLIC.findVirtual(type, name, MethodType.methodType(returns, parameters));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static MethodHandle optionalStatic(
      Class<?> type, String name, Class<?> returns, Class<?>... parameters) {
    try {
      return PUBLIC.findStatic(type, name, MethodType.methodType(returns, parameters));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static Class<?> load(String name, ClassLoader loader) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  private static Class<?> optionalClass(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
