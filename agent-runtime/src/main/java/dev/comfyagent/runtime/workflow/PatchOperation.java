package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One RFC 6902 operation. Paths are RFC 6901 JSON Pointers; on a workflow they read {@code /<node
 * id>/inputs/<input name>}.
 *
 * @param op what to do
 * @param path where
 * @param from the source of {@code move} and {@code copy}, else {@code null}
 * @param value the value of {@code add}, {@code replace} and {@code test} (JSON {@code null} is a
 *     value), else {@code null}; never changed after construction
 */
public record PatchOperation(Op op, String path, String from, JsonNode value) {

  /** The six RFC 6902 operations. */
  public enum Op {
    ADD,
    REMOVE,
    REPLACE,
    MOVE,
    COPY,
    TEST;

    /** The name as written in a patch: {@code add}, {@code remove}, ... */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static PatchOperation add(String path, JsonNode value) {
    return new PatchOperation(Op.ADD, path, null, value);
  }

  public static PatchOperation remove(String path) {
    return new PatchOperation(Op.REMOVE, path, null, null);
  }

  public static PatchOperation replace(String path, JsonNode value) {
    return new PatchOperation(Op.REPLACE, path, null, value);
  }

  public static PatchOperation test(String path, JsonNode value) {
    return new PatchOperation(Op.TEST, path, null, value);
  }

  /**
   * {@code "replace /3/inputs/seed"} or {@code "move /3/inputs/a -> /3/inputs/b"}, for messages.
   */
  public String describe() {
    return from == null ? op.jsonName() + " " + path : op.jsonName() + " " + from + " -> " + path;
  }

  /** The operation as RFC 6902 JSON (a copy). */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("op", op.jsonName());
    if (from != null) {
      json.put("from", from);
    }
    json.put("path", path);
    if (value != null) {
      json.set("value", value.deepCopy());
    }
    return json;
  }

  /**
   * The reference tokens of a JSON Pointer, unescaped ({@code ~1} is {@code /}, {@code ~0} is
   * {@code ~}); the empty pointer (the whole document) has none.
   *
   * @throws IllegalArgumentException when the text is not a JSON Pointer
   */
  public static List<String> tokens(String pointer) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    if (pointer.charAt(0) != '/') {
      throw new IllegalArgumentException(
          "'" + pointer + "' is not a JSON Pointer: it must be empty or start with '/'");
    }
    int start = 1;
    while (true) {
      int slash = pointer.indexOf('/', start);
      String raw = slash < 0 ? pointer.substring(start) : pointer.substring(start, slash);
      tokens.add(unescape(raw, pointer));
      if (slash < 0) {
        return tokens;
      }
      start = slash + 1;
    }
  }

  /** Escapes one reference token for a pointer. */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** A pointer from unescaped tokens. */
  public static String pointer(String... tokens) {
    StringBuilder out = new StringBuilder();
    for (String token : tokens) {
      out.append('/').append(escape(token));
    }
    return out.toString();
  }

  private static String unescape(String raw, String pointer) {
    if (raw.indexOf('~') < 0) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '~') {
        out.append(c);
        continue;
      }
      char next = i + 1 < raw.length() ? raw.charAt(i + 1) : ' ';
      if (next == '0') {
        out.append('~');
      } else if (next == '1') {
        out.append('/');
      } else {
        throw new IllegalArgumentException(
            "'" + pointer + "' is not a JSON Pointer: '~' must be followed by 0 or 1");
      }
      i++;
    }
    return out.toString();
  }
}
