package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.InvalidArgumentException;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import java.time.Instant;

/**
 * {@code save_session}: writes the connection's current session (workflow, base, undo history,
 * notes) to {@code sessions/<name>.json}, atomically. An existing session of another name is only
 * replaced with {@code overwrite: true}.
 */
public final class SaveSessionTool implements Tool {

  private final SessionRegistry sessions;
  private final SessionStore store;
  private final ObjectNode schema =
      InputSchema.object()
          .optionalString(
              "name",
              "Session name (letters, digits, '_', '-', '.', spaces; e.g. shot_010_lighting);"
                  + " defaults to the name the session was loaded or last saved under")
          .optionalBoolean(
              "overwrite",
              "Replace an existing session file of that name that belongs to another session"
                  + " (default false)")
          .build();

  public SaveSessionTool(SessionRegistry sessions, SessionStore store) {
    this.sessions = sessions;
    this.store = store;
  }

  @Override
  public String name() {
    return "save_session";
  }

  @Override
  public String description() {
    return "Save the current session (the workflow with its base and undo history, and the notes)"
        + " under a name so it survives restarts; load_session brings it back. Saving again under"
        + " the same name updates it; another session's name needs overwrite: true.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    ToolArguments args = ToolArguments.of(arguments);
    WorkflowSession session = sessions.current(context.connectionId());
    String name =
        args.optionalString("name")
            .map(SessionNames::validate)
            .or(session::name)
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "argument 'name' is required: this connection's session has not been"
                            + " saved before (for example: shot_010_lighting)"));
    boolean overwrite = args.optionalBoolean("overwrite").orElse(false);
    boolean sameSession = session.name().filter(name::equals).isPresent();

    if (store.exists(name) && !overwrite) {
      try {
        StoredSession existing = store.read(name);
        if (!sameSession) {
          throw new ToolException(
              "a session named '"
                  + name
                  + "' already exists (saved "
                  + existing.updated()
                  + ", "
                  + existing.nodeCount()
                  + " nodes, "
                  + existing.notes().size()
                  + " notes); pass overwrite: true to replace it, or choose another name");
        }
      } catch (SessionFileException e) {
        throw new ToolException(
            "cannot save over session '"
                + name
                + "': "
                + e.getMessage()
                + ". Pass overwrite: true to replace it anyway, or choose another name.",
            e);
      }
    }

    Instant now = store.clock().instant();
    StoredSession stored = session.toStored(name, now);
    store.write(stored);
    session.markSaved(name, now, stored.snapshot());
    sessions.nameSession(context.connectionId(), session, name);

    int undoDepth = stored.snapshot().undo().size();
    String text =
        "Saved session '"
            + name
            + "' ("
            + (stored.snapshot().current() == null
                ? "no workflow loaded"
                : stored.nodeCount() + " nodes, undo depth " + undoDepth)
            + ", "
            + stored.notes().size()
            + (stored.notes().size() == 1 ? " note" : " notes")
            + ") to "
            + store.fileOf(name)
            + ".";
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    structured.put("name", name);
    structured.put("file", store.fileOf(name).toString());
    structured.put("saved", now.toString());
    structured.put("nodes", stored.nodeCount());
    structured.put("undo_depth", undoDepth);
    structured.put("notes", stored.notes().size());
    return ToolResult.of(text, structured);
  }
}
