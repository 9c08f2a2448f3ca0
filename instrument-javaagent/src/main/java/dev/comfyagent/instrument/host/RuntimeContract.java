package dev.comfyagent.instrument.host;

import java.util.ArrayList;
import java.util.List;

/**
 * Every name of agent-runtime that the agent relies on, in one list: the classes it weaves or
 * recognises, the methods and record components it reads, the command-line flags and environment
 * variables it reads the way the runtime does, and the texts it looks for. The weaves, readers and
 * hooks use these constants (no second copy of any of them), so this class is the whole contract
 * the runtime keeps for the agent; docs/architecture.md ("Contracts the agent relies on") lists the
 * same names, checked by {@code RuntimeContractDocTest}, and the it-test {@code RuntimeContractIT}
 * checks each {@link Name} against the packaged agent-runtime jar.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * rules.type(named(RuntimeContract.TOOL));                 // a weave finds the runtime by name
 * for (RuntimeContract.Name name : RuntimeContract.names()) {
 *   check(name.shape(), name.owner(), name.member(), name.detail());   // what the it-test does
 * }
 * }</pre>
 *
 * <p>Immutable; JDK types only, so that a test can read it from the packaged agent's class loader.
 */
public final class RuntimeContract {

  /** The package of every runtime class: the agent starts on the first one a JVM loads. */
  public static final String PACKAGE_PREFIX = "dev.comfyagent.runtime.";

  /** The runtime's main class: its loading (or the JVM's command) says the host is the runtime. */
  public static final String RUNTIME_MAIN = "dev.comfyagent.runtime.cli.RuntimeMain";

  /** The file name of the runtime's jar, as the attach command recognises it (a regex). */
  public static final String RUNTIME_JAR_NAME = "agent-runtime[^/\\\\]*\\.jar";

  /** The tool interface every runtime tool implements. */
  public static final String TOOL = "dev.comfyagent.runtime.tool.Tool";

  /** {@code Tool#call(ObjectNode, ToolContext)}: one tool call, woven and timed. */
  public static final String TOOL_CALL = "call";

  /** The parameters of {@link #TOOL_CALL}. */
  public static final int TOOL_CALL_PARAMETERS = 2;

  /** {@code Tool#name()}: the name a call is counted under. */
  public static final String TOOL_NAME = "name";

  /** The runtime's tool result record, whose text the GPU hook extends. */
  public static final String TOOL_RESULT = "dev.comfyagent.runtime.tool.ToolResult";

  /** The component of {@link #TOOL_RESULT} that holds the text. */
  public static final String TOOL_RESULT_TEXT = "text";

  /** The runtime's session registry: woven to count the open sessions. */
  public static final String SESSION_REGISTRY = "dev.comfyagent.runtime.session.SessionRegistry";

  /**
   * The registry's methods after which the count may have changed: the ones that open a session or
   * close one. Named one by one: a method that merely reads (such as {@code openNames()}) is not
   * one of them.
   */
  public static final List<String> SESSION_REGISTRY_CHANGES =
      List.of(
          "openScratchSession",
          "openNamedSession",
          "openSharedSession",
          "closeSession",
          "closeConnection",
          "closeAll");

  /**
   * The registry's methods nearly every tool call goes through: after them the registry is made
   * known if it is not (one built before a late attach), nothing is recounted. The scratch session
   * {@code current…} opens on first use is opened by {@code openScratchSession}, which recounts.
   */
  public static final List<String> SESSION_REGISTRY_USES = List.of("current", "currentWorkflow");

  /** The node catalog, probed by its {@code size()}. */
  public static final String NODE_CATALOG = "dev.comfyagent.runtime.discover.NodeCatalog";

  /** The model lists, probed by their {@code size()}. */
  public static final String MODEL_CATALOG = "dev.comfyagent.runtime.discover.ModelCatalog";

  /** ComfyUI-Manager's node map, probed by its {@code size()}. */
  public static final String MANAGER_NODE_MAP = "dev.comfyagent.runtime.discover.ManagerNodeMap";

  /** A session's undo history, probed by its {@link #UNDO_HISTORY_DEPTH}. */
  public static final String UNDO_HISTORY = "dev.comfyagent.runtime.workflow.UndoHistory";

  /** The size method of the catalogs, the node map and the session registry (its open sessions). */
  public static final String SIZE = "size";

  /** The size method of {@link #UNDO_HISTORY}. */
  public static final String UNDO_HISTORY_DEPTH = "depth";

  /** The flag that sets ComfyUI's host (over {@link #COMFYUI_HOST_ENV}). */
  public static final String COMFYUI_HOST_FLAG = "--comfyui-host";

  /** The environment variable of ComfyUI's host. */
  public static final String COMFYUI_HOST_ENV = "COMFYUI_HOST";

  /** ComfyUI's host when neither is set. */
  public static final String COMFYUI_HOST_DEFAULT = "127.0.0.1";

  /** The flag that sets ComfyUI's port (over {@link #COMFYUI_PORT_ENV}). */
  public static final String COMFYUI_PORT_FLAG = "--comfyui-port";

  /** The environment variable of ComfyUI's port. */
  public static final String COMFYUI_PORT_ENV = "COMFYUI_PORT";

  /** ComfyUI's port when neither is set. */
  public static final int COMFYUI_PORT_DEFAULT = 8188;

  /** The tool that renders: the GPU hook's default tool, the report's render tool. */
  public static final String RENDER_TOOL = "execute_workflow";

  /** How the text result of a finished render starts: {@code Rendered in <seconds>s}. */
  public static final String RENDERED_IN = "Rendered in ";

  /** The SLF4J MDC key under which the runtime keeps a call's correlation id. */
  public static final String MDC_CORRELATION_ID = "correlation_id";

  /** What kind of name an entry is, and so how it is checked against the runtime. */
  public enum Shape {
    /** A class or interface that exists. */
    CLASS,
    /** A class with {@code public static void main(String[])}. */
    MAIN_CLASS,
    /**
     * A public instance method; where {@code detail} is a number, one with that many parameters
     * that returns a value.
     */
    INSTANCE_METHOD,
    /** A public no-argument instance method returning {@code detail} (a class name). */
    ACCESSOR,
    /** A public no-argument instance method returning a number, a Collection or a Map. */
    SIZE_METHOD,
    /** A record component of type {@code detail}. */
    RECORD_COMPONENT,
    /**
     * A runtime setting: {@code owner} its flag, {@code member} its environment variable, {@code
     * detail} its default.
     */
    SETTING,
    /** A text constant written by some class of the runtime. */
    TEXT,
    /** The file name of the packaged runtime jar, a regex. */
    JAR_NAME
  }

  /**
   * One name the agent relies on.
   *
   * @param shape how it is checked
   * @param owner the class (or flag, or text, or jar name) it belongs to
   * @param member the method, component or variable; empty for a class or text
   * @param detail the expected shape's parameter (see {@link Shape}); empty when none
   * @param usedBy which part of the agent reads it, for a reader of a failure
   */
  public record Name(Shape shape, String owner, String member, String detail, String usedBy) {}

  private RuntimeContract() {}

  /** Every name, in the order of docs/architecture.md's table. */
  public static List<Name> names() {
    List<Name> names = new ArrayList<>();
    names.add(new Name(Shape.CLASS, TOOL, "", "", "tool weave: every call is timed"));
    names.add(
        new Name(
            Shape.INSTANCE_METHOD,
            TOOL,
            TOOL_CALL,
            Integer.toString(TOOL_CALL_PARAMETERS),
            "tool weave: every call is timed"));
    names.add(
        new Name(
            Shape.ACCESSOR,
            TOOL,
            TOOL_NAME,
            "java.lang.String",
            "the name a call is counted under"));
    names.add(
        new Name(
            Shape.RECORD_COMPONENT,
            TOOL_RESULT,
            TOOL_RESULT_TEXT,
            "java.lang.String",
            "GPU hook: the figures added to the text"));
    names.add(
        new Name(
            Shape.MAIN_CLASS,
            RUNTIME_MAIN,
            "",
            "",
            "recognising the runtime (GPU hook, attach list)"));
    names.add(new Name(Shape.JAR_NAME, RUNTIME_JAR_NAME, "", "", "attach list"));
    names.add(new Name(Shape.SIZE_METHOD, NODE_CATALOG, SIZE, "", "memory probe node_catalog"));
    names.add(new Name(Shape.SIZE_METHOD, MODEL_CATALOG, SIZE, "", "memory probe model_lists"));
    names.add(
        new Name(Shape.SIZE_METHOD, MANAGER_NODE_MAP, SIZE, "", "memory probe discovery_cache"));
    names.add(
        new Name(
            Shape.ACCESSOR,
            SESSION_REGISTRY,
            SIZE,
            "int",
            "open sessions gauge, memory probe session_registry"));
    addRegistryMethods(
        names, SESSION_REGISTRY_CHANGES, "session weave: open sessions recounted after it");
    addRegistryMethods(
        names,
        SESSION_REGISTRY_USES,
        "session weave: a registry built before an attach is found from it");
    names.add(
        new Name(
            Shape.SIZE_METHOD,
            UNDO_HISTORY,
            UNDO_HISTORY_DEPTH,
            "",
            "memory probe undo_history_depth"));
    names.add(new Name(Shape.TEXT, RENDERED_IN, "", "", "GPU hook (where the figures go), report"));
    names.add(
        new Name(
            Shape.TEXT, RENDER_TOOL, "", "", "GPU hook's default tool, report's render figures"));
    names.add(
        new Name(Shape.TEXT, MDC_CORRELATION_ID, "", "", "MDC correlation id of traced calls"));
    names.add(
        new Name(
            Shape.SETTING,
            COMFYUI_HOST_FLAG,
            COMFYUI_HOST_ENV,
            COMFYUI_HOST_DEFAULT,
            "GPU hook: where ComfyUI's /system_stats is"));
    names.add(
        new Name(
            Shape.SETTING,
            COMFYUI_PORT_FLAG,
            COMFYUI_PORT_ENV,
            Integer.toString(COMFYUI_PORT_DEFAULT),
            "GPU hook: where ComfyUI's /system_stats is"));
    return List.copyOf(names);
  }

  private static void addRegistryMethods(List<Name> names, List<String> methods, String readBy) {
    for (String method : methods) {
      names.add(new Name(Shape.INSTANCE_METHOD, SESSION_REGISTRY, method, "", readBy));
    }
  }
}
