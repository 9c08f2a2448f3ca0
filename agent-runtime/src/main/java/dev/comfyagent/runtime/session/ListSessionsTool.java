package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.List;

/** {@code list_sessions}: the saved sessions, most recent first, with their size and notes. */
public final class ListSessionsTool implements Tool {

  private final SessionRegistry sessions;
  private final SessionStore store;
  private final ObjectNode schema = InputSchema.object().build();

  public ListSessionsTool(SessionRegistry sessions, SessionStore store) {
    this.sessions = sessions;
    this.store = store;
  }

  @Override
  public String name() {
    return "list_sessions";
  }

  @Override
  public String description() {
    return "List the saved sessions, most recently saved first: name, when saved, number of"
        + " nodes and notes, and which one is this connection's current session.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    WorkflowSession current = sessions.current(context.connectionId());
    String currentName = current.name().orElse(null);
    List<SessionStore.Listing> listings = store.list();
    StringBuilder text = new StringBuilder();
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    if (listings.isEmpty()) {
      text.append("No saved sessions in ")
          .append(store.directory())
          .append(" yet; save_session stores the current one.");
    } else {
      text.append(listings.size())
          .append(listings.size() == 1 ? " saved session in " : " saved sessions in ")
          .append(store.directory())
          .append(":");
    }
    for (SessionStore.Listing listing : listings) {
      ObjectNode item = array.addObject();
      item.put("name", listing.name());
      boolean isCurrent = listing.name().equals(currentName);
      item.put("current", isCurrent);
      text.append("\n- ").append(listing.name());
      if (listing.session().isPresent()) {
        StoredSession s = listing.session().get();
        text.append(": saved ")
            .append(s.updated())
            .append(", ")
            .append(s.nodeCount())
            .append(" nodes, ")
            .append(s.notes().size())
            .append(s.notes().size() == 1 ? " note" : " notes");
        item.put("updated", s.updated().toString());
        item.put("nodes", s.nodeCount());
        item.put("notes", s.notes().size());
      } else {
        text.append(": cannot be read: ").append(listing.problem());
        item.put("problem", listing.problem());
      }
      if (isCurrent) {
        text.append(current.hasUnsavedChanges() ? " (current, unsaved changes)" : " (current)");
      }
    }
    if (currentName == null && current.hasUnsavedChanges()) {
      text.append("\nThis connection's current session has not been saved.");
    }
    ObjectNode structured = JsonNodeFactory.instance.objectNode();
    structured.put("directory", store.directory().toString());
    structured.set("sessions", array);
    return ToolResult.of(text.toString(), structured);
  }
}
