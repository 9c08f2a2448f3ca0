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
 * notes) to {@code sessions/<name>.json}, atomically. Without {@code overwrite: true} a save
 * creates a new session only if none of that name exists, and updates one only if the file is still
 * the revision this session loaded or last saved; both are decided under the sessions directory's
 * lock, so two runtimes sharing it cannot both win or silently replace each other's work.
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
        + " the same name updates it, unless someone else (another connection or runtime) saved"
        + " it since, which is refused saying who and when; another session's name, or"
        + " replacing someone else's save, needs overwrite: true.";
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
    // What this save may replace, decided with the file under the sessions directory's lock:
    // another runtime sharing the directory may save at the same moment.
    SessionStore.Expectation expected;
    if (overwrite) {
      expected = SessionStore.Expectation.ANYTHING;
    } else if (sameSession && session.savedRevision().isPresent()) {
      expected = SessionStore.Expectation.revision(session.savedRevision().get());
    } else {
      expected = SessionStore.Expectation.NEW_SESSION;
    }

    Instant now = store.clock().instant();
    StoredSession stored;
    try {
      stored = store.save(session.toStored(name, now), expected);
    } catch (SessionConflictException e) {
      throw new ToolException(conflict(name, e, session), e);
    } catch (SessionFileException e) {
      if (e.problem() == SessionFileException.Problem.IO) {
        throw e;
      }
      throw new ToolException(
          "cannot save over session '"
              + name
              + "': "
              + e.getMessage()
              + ". Pass overwrite: true to replace it anyway, or choose another name.",
          e);
    }
    session.markSaved(name, stored);
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
    structured.put("revision", stored.revision());
    return ToolResult.of(text, structured);
  }

  private static String conflict(String name, SessionConflictException e, WorkflowSession session) {
    StoredSession onDisk = e.onDisk();
    String what =
        onDisk.describeSave()
            + ", "
            + onDisk.nodeCount()
            + " nodes, "
            + onDisk.notes().size()
            + " notes";
    if (e.expected().kind() == SessionStore.Expectation.Kind.NEW) {
      return "a session named '"
          + name
          + "' already exists ("
          + what
          + "); pass overwrite: true to replace it, or choose another name";
    }
    return "session '"
        + name
        + "' was changed on disk since this connection "
        + (session.updated().equals(onDisk.updated()) ? "read" : "loaded or last saved")
        + " it: it was "
        + onDisk.describeSave()
        + " ("
        + onDisk.nodeCount()
        + " nodes, "
        + onDisk.notes().size()
        + " notes). Saving now would overwrite that work, so nothing was written. load_session"
        + " it (with discard_unsaved: true) to see it, save under another name, or pass"
        + " overwrite: true to replace it with this connection's version.";
  }
}
