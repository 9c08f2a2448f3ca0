package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads ComfyUI-Manager's two files with Jackson's streaming parser, token by token (never a tree):
 * {@code custom-node-list.json} into the packs' titles, ids, authors and descriptions by normalized
 * URL ({@link #parseCustomNodeList}), then {@code extension-node-map.json} into a {@link
 * ManagerMapSnapshot}, each pack filed as soon as its entry ends ({@link #parseNodeMap}). A pack's
 * title is the list's title, else the map's {@code title_aux}, else its {@code nickname}, else the
 * last segment of its URL.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Map<String, PackInfo> infos = ManagerMapParser.parseCustomNodeList(listStream);
 * ManagerMapSnapshot snapshot = ManagerMapParser.parseNodeMap(mapStream, infos, "file name");
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class ManagerMapParser {

  /** Only the streaming parser: the map is read token by token, never as a tree. */
  private static final JsonFactory JSON = new JsonFactory();

  private ManagerMapParser() {}

  /**
   * Reads an {@code extension-node-map.json} with Jackson's streaming parser, token by token (no
   * tree), each pack going into the compact tables of a {@link ManagerMapSnapshot} as soon as its
   * entry ends.
   */
  static ManagerMapSnapshot parseNodeMap(InputStream in, Map<String, PackInfo> infos, String source)
      throws IOException {
    ManagerMapSnapshot.Builder builder = new ManagerMapSnapshot.Builder();
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException(
            "expected an object {repo_url: [[node types], {...}]} at the top, found "
                + p.currentToken());
      }
      List<String> nodeTypes = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String url = p.currentName();
        JsonToken value = p.nextToken();
        if (value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        nodeTypes.clear();
        Meta meta = Meta.NONE;
        JsonToken token = p.nextToken();
        if (token == JsonToken.START_ARRAY) {
          while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == JsonToken.VALUE_STRING) {
              nodeTypes.add(p.getText());
            } else {
              p.skipChildren();
            }
          }
          token = p.nextToken();
        }
        if (token == JsonToken.START_OBJECT) {
          meta = Meta.read(p);
          token = p.nextToken();
        }
        while (token != JsonToken.END_ARRAY && token != null) {
          p.skipChildren();
          token = p.nextToken();
        }
        PackInfo info = infos.isEmpty() ? null : infos.get(normalizeUrl(url));
        builder.add(pack(url, nodeTypes, meta, info));
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("the node map ends early, at " + p.currentLocation());
      }
    }
    return builder.build(source, null);
  }

  /**
   * Reads a {@code custom-node-list.json} ({@code {custom_nodes: [{id, title, author, description,
   * reference, files: [...]}, ...]}}) with the streaming parser: the packs' ids, titles, authors
   * and descriptions by the normalized URLs they are installed from.
   */
  static Map<String, PackInfo> parseCustomNodeList(InputStream in) throws IOException {
    Map<String, PackInfo> infos = new HashMap<>();
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected an object {custom_nodes: [...]} at the top");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"custom_nodes".equals(field) || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        JsonToken item;
        while ((item = p.nextToken()) != JsonToken.END_ARRAY && item != null) {
          if (item == JsonToken.START_OBJECT) {
            readListedPack(p, infos);
          } else {
            p.skipChildren();
          }
        }
      }
    }
    return infos;
  }

  /** One pack of the custom node list, from its {@code START_OBJECT} to its end. */
  private static void readListedPack(JsonParser p, Map<String, PackInfo> infos) throws IOException {
    String id = "";
    String title = "";
    String author = "";
    String description = "";
    String reference = "";
    List<String> files = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> id = Meta.text(p, value);
        case "title" -> title = Meta.text(p, value);
        case "author" -> author = Meta.text(p, value);
        case "description" -> description = Meta.text(p, value);
        case "reference" -> reference = Meta.text(p, value);
        case "files" -> files = Meta.texts(p, value, "");
        default -> p.skipChildren();
      }
    }
    PackInfo info = new PackInfo(id, title, author, description);
    Set<String> urls = new LinkedHashSet<>();
    urls.add(reference);
    urls.addAll(files);
    for (String url : urls) {
      if (!url.isBlank()) {
        infos.putIfAbsent(normalizeUrl(url), info);
      }
    }
  }

  private static NodePack pack(String url, List<String> nodeTypes, Meta meta, PackInfo info) {
    String title = firstNonBlank(info == null ? "" : info.title(), meta.titleAux());
    title = firstNonBlank(title, meta.nickname());
    if (title.isBlank()) {
      title = lastPathSegment(url);
    }
    return new NodePack(
        url,
        info == null ? "" : info.id(),
        title,
        firstNonBlank(info == null ? "" : info.author(), meta.author()),
        info == null ? meta.description() : info.description(),
        nodeTypes,
        meta.preemptions(),
        meta.nodeNamePattern());
  }

  /**
   * The fields of a pack's metadata object ({@code {title_aux, author, nickname, description,
   * preemptions, nodename_pattern, ...}}) that the map uses, read as they stream by; a value that
   * is not a string is read as Jackson's {@link JsonNode#asText(String)} reads it.
   */
  private record Meta(
      String titleAux,
      String nickname,
      String author,
      String description,
      Set<String> preemptions,
      String nodeNamePattern) {

    static final Meta NONE = new Meta("", "", "", "", Set.of(), "");

    /** Reads the object the parser is at the start of, up to its end. */
    static Meta read(JsonParser p) throws IOException {
      String titleAux = "";
      String nickname = "";
      String author = "";
      String description = "";
      String nodeNamePattern = "";
      Set<String> preemptions = Set.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "title_aux" -> titleAux = text(p, value);
          case "nickname" -> nickname = text(p, value);
          case "author" -> author = text(p, value);
          case "description" -> description = text(p, value);
          case "nodename_pattern" -> nodeNamePattern = text(p, value);
          case "preemptions" -> preemptions = new LinkedHashSet<>(texts(p, value, "null"));
          default -> p.skipChildren();
        }
      }
      return new Meta(titleAux, nickname, author, description, preemptions, nodeNamePattern);
    }

    /**
     * The value the parser is at as text, as Jackson's {@link JsonNode#asText(String) asText("")}
     * reads it: a string as it is, a number or a boolean as written, {@code null}, an object or an
     * array as empty (skipped).
     */
    static String text(JsonParser p, JsonToken value) throws IOException {
      return scalarText(p, value, "");
    }

    /**
     * The elements of the array the parser is at, each as {@link #scalarText} reads it with {@code
     * nullText} for a {@code null}; a value that is not an array gives none (skipped).
     */
    static List<String> texts(JsonParser p, JsonToken value, String nullText) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        p.skipChildren();
        return List.of();
      }
      List<String> texts = new ArrayList<>();
      JsonToken element;
      while ((element = p.nextToken()) != JsonToken.END_ARRAY && element != null) {
        texts.add(scalarText(p, element, nullText));
      }
      return texts;
    }

    private static String scalarText(JsonParser p, JsonToken value, String nullText)
        throws IOException {
      return switch (value) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT -> p.getBigIntegerValue().toString();
        case VALUE_NUMBER_FLOAT -> Double.toString(p.getDoubleValue());
        case VALUE_TRUE -> "true";
        case VALUE_FALSE -> "false";
        case VALUE_NULL -> nullText;
        default -> {
          p.skipChildren();
          yield "";
        }
      };
    }
  }

  /** The form of a URL used to join the two files: lower case, https, no {@code .git}, no slash. */
  static String normalizeUrl(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT);
    if (u.startsWith("http://")) {
      u = "https://" + u.substring("http://".length());
    }
    u = u.replace("://www.", "://");
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (u.endsWith(".git")) {
      u = u.substring(0, u.length() - 4);
    }
    return u;
  }

  private static String lastPathSegment(String url) {
    String u = url;
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    int slash = u.lastIndexOf('/');
    return slash >= 0 ? u.substring(slash + 1) : u;
  }

  private static String firstNonBlank(String a, String b) {
    return a == null || a.isBlank() ? (b == null ? "" : b) : a;
  }

  /** A pack as the custom node list describes it. */
  record PackInfo(String id, String title, String author, String description) {}
}
