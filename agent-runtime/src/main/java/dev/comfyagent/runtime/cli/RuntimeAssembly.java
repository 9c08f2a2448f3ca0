package dev.comfyagent.runtime.cli;

import dev.comfyagent.runtime.comfy.ComfyUiClient;
import dev.comfyagent.runtime.discover.DiscoverTools;
import dev.comfyagent.runtime.discover.ManagerNodeMap;
import dev.comfyagent.runtime.discover.ModelCatalog;
import dev.comfyagent.runtime.discover.NodeCatalog;
import dev.comfyagent.runtime.discover.NodeSearch;
import dev.comfyagent.runtime.execute.ExecutionSettings;
import dev.comfyagent.runtime.execute.ExecutionTools;
import dev.comfyagent.runtime.files.AllowedRoots;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.runtime.session.SessionStore;
import dev.comfyagent.runtime.session.SessionTools;
import dev.comfyagent.runtime.status.StatusTools;
import dev.comfyagent.runtime.tool.ToolRegistry;
import dev.comfyagent.runtime.workflow.WorkflowTools;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the runtime's services from its settings and registers every tool in one {@link
 * ToolRegistry}: the node catalog (live {@code /object_info} with a TTL), ComfyUI-Manager's map,
 * the model lists, the open sessions and their store, and the allowed workflow roots.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (RuntimeAssembly runtime = RuntimeAssembly.create(settings, client, Clock.systemUTC())) {
 *   runtime.prefetchCatalog();                // the installed node types, in the background
 *   new StdioMcpServer(runtime.tools(), version, runtime.sessions()::closeAll)
 *       .serve(in, out, runtime::warmUp);     // the rest, once serving
 * }
 * }</pre>
 *
 * <p>The ComfyUI client is a parameter, so tests and the demo can pass their own.
 */
public final class RuntimeAssembly implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RuntimeAssembly.class);

  private final RuntimeSettings settings;
  private final ComfyUiClient comfyUi;
  private final Clock clock;
  private final NodeCatalog catalog;
  private final ManagerNodeMap managerMap;
  private final NodeSearch nodeSearch;
  private final ModelCatalog models;
  private final SessionRegistry sessions;
  private final SessionStore sessionStore;
  private final AllowedRoots allowedRoots;
  private final ToolRegistry tools = new ToolRegistry();

  private RuntimeAssembly(RuntimeSettings settings, ComfyUiClient comfyUi, Clock clock) {
    this.settings = settings;
    this.comfyUi = comfyUi;
    this.clock = clock;
    this.catalog = new NodeCatalog(comfyUi::objectInfo, settings.catalogTtl(), clock);
    this.managerMap =
        settings
            .comfyUiPath()
            .map(ManagerNodeMap::locate)
            .orElseGet(
                () ->
                    ManagerNodeMap.none(
                        "COMFYUI_PATH is not set, so ComfyUI-Manager's node map cannot be found"));
    this.nodeSearch = new NodeSearch(catalog, managerMap);
    this.models = new ModelCatalog(comfyUi, settings.catalogTtl(), clock);
    this.sessions = new SessionRegistry(settings.undoLimit(), settings.maxOpenSessions());
    this.sessionStore = new SessionStore(settings.sessionsDir(), clock);
    this.allowedRoots = allowedRoots(settings);
  }

  /** The workflow roots of the settings, or file access off with the reason why. */
  static AllowedRoots allowedRoots(RuntimeSettings settings) {
    if (!settings.workflowRoots().isEmpty()) {
      return AllowedRoots.of(settings.workflowRoots());
    }
    return settings
        .comfyUiPath()
        .map(
            p ->
                AllowedRoots.none(
                    "COMFYUI_PATH is set, but "
                        + p.resolve(RuntimeSettings.COMFYUI_USER_WORKFLOWS)
                        + " does not exist (it appears once ComfyUI's frontend saves a"
                        + " workflow), and WORKFLOWS_DIR is not set"))
        .orElseGet(AllowedRoots::none);
  }

  /** Builds the services and registers every tool. */
  public static RuntimeAssembly create(
      RuntimeSettings settings, ComfyUiClient comfyUi, Clock clock) {
    RuntimeAssembly assembly = new RuntimeAssembly(settings, comfyUi, clock);
    assembly.registerTools();
    return assembly;
  }

  private void registerTools() {
    DiscoverTools.create(catalog, nodeSearch, models).forEach(tools::register);
    SessionTools.create(sessions, sessionStore).forEach(tools::register);
    registerWorkflowAndExecutionTools();
  }

  /**
   * The UNDERSTAND, PILOT and VERIFY tools, which live in the workflow, execute and status
   * packages; the session registry is the workflows' {@code CurrentWorkflows}.
   */
  private void registerWorkflowAndExecutionTools() {
    WorkflowTools.create(sessions, catalog, managerMap, allowedRoots).forEach(tools::register);
    ExecutionTools execution =
        ExecutionTools.create(
            comfyUi,
            sessions,
            executionSettings(),
            classType ->
                managerMap.packsProviding(classType).stream()
                    .map(pack -> "\"" + pack.title() + "\" (" + pack.repoUrl() + ")")
                    .toList());
    execution.tools().forEach(tools::register);
    StatusTools.create(comfyUi, execution::connectionOf).forEach(tools::register);
  }

  /** The documented execution defaults, with the overall timeout from the settings. */
  private ExecutionSettings executionSettings() {
    ExecutionSettings defaults = ExecutionSettings.defaults();
    return new ExecutionSettings(
        settings.executionTimeout(),
        defaults.defaultWait(),
        defaults.maxWait(),
        defaults.pollInterval(),
        defaults.retainedExecutions());
  }

  /**
   * When {@code COMFYUI_PATH} is set, starts fetching ComfyUI's node catalog in the background
   * ({@code GET /object_info}, once; an unreachable ComfyUI counts once against the circuit breaker
   * here) and indexing the installed node types ({@link
   * NodeSearch#prepareInstalledInBackground()}), so that a search right after the client's {@code
   * tools/list} answers at once from them. Mostly waiting on ComfyUI, so it is started before the
   * MCP server is built. Without {@code COMFYUI_PATH} nothing is done: ComfyUI is not contacted
   * before a tool asks.
   */
  public void prefetchCatalog() {
    if (settings.comfyUiPath().isPresent()) {
      nodeSearch.prepareInstalledInBackground();
    }
  }

  /**
   * When {@code COMFYUI_PATH} is set, prepares the rest of node search in the background ({@link
   * NodeSearch#prepareInBackground()}): reads ComfyUI-Manager's map and builds the whole search
   * index (and fetches the catalog, if {@link #prefetchCatalog()} did not). Until that is done,
   * searches answer at once from the installed node types and say so.
   *
   * <p>Meant to run once the MCP server serves ({@code serve}'s {@code onServing}): reading the map
   * and indexing it take a fresh JVM about a second of CPU, which started sooner would slow the
   * JVM's own start on a machine of few cores (measured on a busy 2-core machine: the first {@code
   * tools/list} answer about 0.2 to 1.2 s later).
   */
  public void warmUp() {
    if (settings.comfyUiPath().isPresent()) {
      nodeSearch.prepareInBackground();
    }
  }

  public RuntimeSettings settings() {
    return settings;
  }

  public ComfyUiClient comfyUi() {
    return comfyUi;
  }

  public Clock clock() {
    return clock;
  }

  public NodeCatalog catalog() {
    return catalog;
  }

  public ManagerNodeMap managerMap() {
    return managerMap;
  }

  public NodeSearch nodeSearch() {
    return nodeSearch;
  }

  public ModelCatalog models() {
    return models;
  }

  public SessionRegistry sessions() {
    return sessions;
  }

  public SessionStore sessionStore() {
    return sessionStore;
  }

  public AllowedRoots allowedRoots() {
    return allowedRoots;
  }

  /** Every tool, registered. */
  public ToolRegistry tools() {
    return tools;
  }

  /** Closes the open sessions and the ComfyUI client when it holds resources. */
  @Override
  public void close() {
    sessions.closeAll();
    if (comfyUi instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("closing the ComfyUI client: {}", e.toString());
      }
    }
  }
}
