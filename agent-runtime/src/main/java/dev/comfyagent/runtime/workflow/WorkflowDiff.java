package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Computes an RFC 6902 patch that turns one workflow into another.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * JsonPatch changes = WorkflowDiff.between(state.base(), state.current());
 * WorkflowPatcher.apply(base, changes).result().equals(current); // true (numbers by value)
 * }</pre>
 *
 * <p>Values compare as {@link JsonValues#same}: a number spelled differently ({@code 7.5} and
 * {@code 7.50}) is no change. Objects are compared member by member (removed members, then changed,
 * then added); any other difference, including a changed array such as a re-wired link {@code ["4",
 * 0]}, is one {@code replace} of the whole value, which reads better than element edits. Subtrees
 * shared between the versions (see {@link WorkflowPatcher}) are skipped by identity, so diffing two
 * versions a few patches apart costs little more than the changes themselves.
 *
 * <p>Stateless and thread-safe.
 */
public final class WorkflowDiff {

  private WorkflowDiff() {}

  /** The changes from {@code from} to {@code to}. */
  public static JsonPatch between(Workflow from, Workflow to) {
    return between(from.tree(), to.tree());
  }

  /** The changes from {@code from} to {@code to}, any JSON. */
  public static JsonPatch between(JsonNode from, JsonNode to) {
    List<PatchOperation> ops = new ArrayList<>();
    diff("", from, to, ops);
    return JsonPatch.of(ops);
  }

  private static void diff(String path, JsonNode from, JsonNode to, List<PatchOperation> ops) {
    if (from == to) {
      return;
    }
    if (from.isObject() && to.isObject()) {
      for (Iterator<String> names = from.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!to.has(name)) {
          ops.add(PatchOperation.remove(path + "/" + PatchOperation.escape(name)));
        }
      }
      for (Map.Entry<String, JsonNode> member : to.properties()) {
        JsonNode old = from.get(member.getKey());
        if (old == member.getValue()) {
          continue; // shared with the other version: unchanged, and no path built for it
        }
        String memberPath = path + "/" + PatchOperation.escape(member.getKey());
        if (old == null) {
          ops.add(PatchOperation.add(memberPath, member.getValue()));
        } else {
          diff(memberPath, old, member.getValue(), ops);
        }
      }
      return;
    }
    if (!JsonValues.same(from, to)) {
      ops.add(PatchOperation.replace(path, to));
    }
  }
}
