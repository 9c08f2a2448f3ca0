package dev.comfyagent.runtime.session;

import dev.comfyagent.runtime.tool.Tool;
import java.util.List;

/**
 * The SESSIONS tools: {@code save_session}, {@code load_session}, {@code list_sessions}, {@code
 * add_note}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SessionStore store = new SessionStore(Path.of("sessions"), Clock.systemUTC());
 * SessionTools.create(sessions, store).forEach(registry::register);
 * }</pre>
 */
public final class SessionTools {

  private SessionTools() {}

  /** The tools over the given open sessions and store. */
  public static List<Tool> create(SessionRegistry sessions, SessionStore store) {
    return List.of(
        new SaveSessionTool(sessions, store),
        new LoadSessionTool(sessions, store),
        new ListSessionsTool(sessions, store),
        new AddNoteTool(sessions, store));
  }
}
