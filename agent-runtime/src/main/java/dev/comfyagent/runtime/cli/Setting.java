package dev.comfyagent.runtime.cli;

/**
 * Every setting of {@code serve}: its command-line flag, its environment variable, its default and
 * what it is for. Flags override the environment, which overrides the default. This table is the
 * one source of the {@code --help} text and of the settings documentation.
 */
public enum Setting {
  COMFYUI_HOST("--comfyui-host", "COMFYUI_HOST", "127.0.0.1", "ComfyUI host name or address"),
  COMFYUI_PORT("--comfyui-port", "COMFYUI_PORT", "8188", "ComfyUI port"),
  COMFYUI_PATH(
      "--comfyui-path",
      "COMFYUI_PATH",
      null,
      "ComfyUI install directory, to find ComfyUI-Manager's node map and the user workflows"),
  SESSIONS_DIR(
      "--sessions-dir",
      "SESSIONS_DIR",
      "./sessions",
      "Where sessions are saved; when given, it is created at start and must be writable"),
  LOG_DIR("--log-dir", "LOG_DIR", "./logs", "Where runtime.log (JSON lines) is written"),
  WORKFLOWS_DIR(
      "--workflows-dir",
      "WORKFLOWS_DIR",
      null,
      "Directories load_workflow and save_workflow may read and write, separated by the path"
          + " separator. Default: COMFYUI_PATH/user/default/workflows when COMFYUI_PATH is set and"
          + " it exists; otherwise none, and file access is off (inline JSON still works). A file"
          + " system root, the home directory or a folder holding it is refused"),
  CONNECT_TIMEOUT(
      "--connect-timeout", "COMFYUI_CONNECT_TIMEOUT", "5s", "Timeout of connecting to ComfyUI"),
  REQUEST_TIMEOUT(
      "--request-timeout",
      "COMFYUI_REQUEST_TIMEOUT",
      "30s",
      "Timeout of one HTTP request to ComfyUI"),
  EXECUTION_TIMEOUT(
      "--execution-timeout",
      "COMFYUI_EXECUTION_TIMEOUT",
      "10m",
      "How long execute_workflow waits for a render"),
  CATALOG_TTL(
      "--catalog-ttl",
      "CATALOG_TTL",
      "5m",
      "How long ComfyUI's node and model lists are cached (0 = always ask)"),
  UNDO_LIMIT("--undo-limit", "UNDO_LIMIT", "50", "Undo steps kept per workflow"),
  MAX_OPEN_SESSIONS(
      "--max-open-sessions", "MAX_OPEN_SESSIONS", "16", "Named sessions kept open in memory"),
  LOG_LEVEL(
      "--log-level",
      "LOG_LEVEL",
      "INFO",
      "Level of the runtime's own log lines: ERROR, WARN, INFO, DEBUG or TRACE");

  private final String flag;
  private final String environmentVariable;
  private final String defaultValue;
  private final String description;

  Setting(String flag, String environmentVariable, String defaultValue, String description) {
    this.flag = flag;
    this.environmentVariable = environmentVariable;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The command-line flag, such as {@code --comfyui-port}. */
  public String flag() {
    return flag;
  }

  /** The environment variable, such as {@code COMFYUI_PORT}. */
  public String environmentVariable() {
    return environmentVariable;
  }

  /** The default as text, or {@code null} when there is none. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What the setting is for. */
  public String description() {
    return description;
  }
}
