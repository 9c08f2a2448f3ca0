package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;

/** {@code add_note}: adds a timestamped note to the connection's current session. */
public final class AddNoteTool implements Tool {

  private final SessionRegistry sessions;
  private final SessionStore store;
  private final ObjectNode schema =
      InputSchema.object()
          .requiredString(
              "text",
              "The note: a decision, a client request, a setting worth remembering (at most "
                  + WorkflowSession.MAX_NOTE_LENGTH
                  + " characters)")
          .build();

  public AddNoteTool(SessionRegistry sessions, SessionStore store) {
    this.sessions = sessions;
    this.store = store;
  }

  @Override
  public String name() {
    return "add_note";
  }

  @Override
  public String description() {
    return "Add a timestamped note to the current session (why a change was made, what the"
        + " client asked for). Notes are saved with save_session and shown by load_session.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    String text = ToolArguments.of(arguments).requiredString("text");
    WorkflowSession session = sessions.current(context.connectionId());
    SessionNote note = session.addNote(text, store.clock().instant());
    int count = session.notes().size();
    String where =
        session
            .name()
            .map(n -> "session '" + n + "' (" + count + (count == 1 ? " note" : " notes") + ")")
            .orElse(
                "this connection's unsaved session ("
                    + count
                    + (count == 1 ? " note" : " notes")
                    + ")");
    String result =
        "Noted in "
            + where
            + " at "
            + note.at()
            + "; "
            + (session.name().isPresent()
                ? "the next save_session stores it."
                : "save_session with a name keeps it.");
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    structured.put("at", note.at().toString());
    structured.put("notes", count);
    session.name().ifPresent(n -> structured.put("session", n));
    return ToolResult.of(result, structured);
  }
}
