package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolException;
import dev.comfyagent.runtime.tool.ToolResult;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.util.List;
import java.util.Optional;

/**
 * {@code load_session}: makes a saved session the connection's current one (its workflow, base,
 * undo history and notes). Refuses to drop unsaved changes of the current session unless asked.
 */
public final class LoadSessionTool implements Tool {

  private static final int NOTES_SHOWN = 20;

  private final SessionRegistry sessions;
  private final SessionStore store;
  private final ObjectNode schema =
      InputSchema.object()
          .requiredString("name", "Name of the saved session (see list_sessions)")
          .optionalBoolean(
              "discard_unsaved",
              "Load even though the current session has unsaved changes, which are lost"
                  + " (default false)")
          .build();

  public LoadSessionTool(SessionRegistry sessions, SessionStore store) {
    this.sessions = sessions;
    this.store = store;
  }

  @Override
  public String name() {
    return "load_session";
  }

  @Override
  public String description() {
    return "Load a saved session: its workflow becomes this connection's current workflow, with"
        + " its undo history and notes. Refuses when the current session has unsaved changes"
        + " unless discard_unsaved is true.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    ToolArguments args = ToolArguments.of(arguments);
    String name = SessionNames.validate(args.requiredString("name"));
    boolean discard = args.optionalBoolean("discard_unsaved").orElse(false);
    String connection = context.connectionId();

    WorkflowSession current = sessions.current(connection);
    if (!discard && current.hasUnsavedChanges()) {
      String what = current.describe();
      throw new ToolException(
          Character.toUpperCase(what.charAt(0))
              + what.substring(1)
              + " has unsaved changes; save_session first, or call load_session with"
              + " discard_unsaved: true to drop them");
    }

    Optional<WorkflowSession> openElsewhere = sessions.findOpen(name).filter(s -> s != current);
    if (openElsewhere.isPresent() && openElsewhere.get().hasUnsavedChanges()) {
      // Another connection is editing it: share the live session rather than fork from disk.
      // The answer is built first, so that nothing changes unless the whole call succeeds.
      ToolResult answer =
          result(
              openElsewhere.get(),
              "Session '"
                  + name
                  + "' is open in another connection with unsaved changes; this connection now"
                  + " shares it.");
      sessions.openSharedSession(connection, name).orElseThrow();
      return answer;
    }

    StoredSession stored = store.read(name);
    WorkflowState state;
    try {
      state = WorkflowState.restore(stored.snapshot(), sessions.undoLimit());
    } catch (ToolException e) {
      throw new ToolException(
          store.fileOf(name)
              + " holds a workflow that cannot be used: "
              + e.getMessage()
              + "; the file was left as it is",
          e);
    }
    WorkflowSession loaded = WorkflowSession.restored(stored, state);
    ToolResult answer = result(loaded, null);
    sessions.openNamedSession(connection, loaded);
    return answer;
  }

  private ToolResult result(WorkflowSession session, String note) {
    String name = session.name().orElseThrow();
    List<SessionNote> notes = session.notes();
    int undoDepth = session.workflow().undoHistory().depth();
    StringBuilder text = new StringBuilder();
    if (note != null) {
      text.append(note).append('\n');
    }
    text.append("Loaded session '")
        .append(name)
        .append("' (saved ")
        .append(session.updated())
        .append(", ")
        .append(
            session.workflow().current().isEmpty()
                ? "no workflow"
                : session.nodeCount() + " nodes, undo depth " + undoDepth)
        .append(", ")
        .append(notes.size())
        .append(notes.size() == 1 ? " note" : " notes")
        .append("). It is now this connection's current session.");
    if (!notes.isEmpty()) {
      text.append("\nNotes:");
      int from = Math.max(0, notes.size() - NOTES_SHOWN);
      if (from > 0) {
        text.append("\n  (").append(from).append(" older notes not shown)");
      }
      for (SessionNote n : notes.subList(from, notes.size())) {
        text.append("\n- [").append(n.at()).append("] ").append(n.text());
      }
    }
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    structured.put("name", name);
    structured.put("created", session.created().toString());
    structured.put("updated", session.updated().toString());
    structured.put("nodes", session.nodeCount());
    structured.put("undo_depth", undoDepth);
    ArrayNode notesJson = structured.putArray("notes");
    for (SessionNote n : notes) {
      notesJson.addObject().put("at", n.at().toString()).put("text", n.text());
    }
    return ToolResult.of(text.toString(), structured);
  }
}
