package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI-Manager's catalog of custom node packs: which pack provides which node type, read from
 * its {@code extension-node-map.json} ({@code {repo_url: [[node types...], {title_aux, author,
 * nickname, preemptions, nodename_pattern, ...}]}}, about 40,000 node types in 5,600 packs) and
 * {@code custom-node-list.json} (titles, ids and descriptions of the packs).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ManagerNodeMap map = ManagerNodeMap.locate(Path.of("/opt/ComfyUI"));  // nothing read yet
 * map.packsProviding("FaceDetailer");   // reads the files on first use
 * map.size();                           // node types known now
 * }</pre>
 *
 * <p>Where the files are: ComfyUI-Manager keeps the copies it downloads from its channel in a cache
 * directory whose place changed across versions, next to the (older) copy it ships with. All of
 * these are looked at under the ComfyUI install, and the most recently written file wins:
 *
 * <ul>
 *   <li>{@code user/__manager/cache/*extension-node-map*.json} (the Manager built into ComfyUI)
 *   <li>{@code user/default/ComfyUI-Manager/cache/*extension-node-map*.json} (Manager 3.x)
 *   <li>{@code custom_nodes/ComfyUI-Manager/.cache/*extension-node-map*.json} (Manager 2.x)
 *   <li>{@code custom_nodes/ComfyUI-Manager/extension-node-map.json} (the copy in its repository)
 * </ul>
 *
 * <p>(and the same with the lower-case {@code comfyui-manager} directory of registry installs).
 *
 * <p>{@link #size()} is part of the contract with the instrument-javaagent's memory probe profile;
 * it never triggers loading.
 *
 * <p>Thread-safe: the files are read once, under a lock, and readers then see one immutable
 * snapshot.
 */
public final class ManagerNodeMap {

  private static final Logger log = LoggerFactory.getLogger(ManagerNodeMap.class);

  /** Only the streaming parser: the map is read token by token, never as a tree. */
  private static final JsonFactory JSON = new JsonFactory();

  private static final AtomicLong GENERATIONS = new AtomicLong();

  static final String NODE_MAP_FILE = "extension-node-map.json";
  static final String NODE_LIST_FILE = "custom-node-list.json";

  private static final List<String> CACHE_DIRS =
      List.of(
          "user/__manager/cache",
          "user/default/ComfyUI-Manager/cache",
          "custom_nodes/ComfyUI-Manager/.cache",
          "custom_nodes/comfyui-manager/.cache");
  private static final List<String> BUNDLED_DIRS =
      List.of("custom_nodes/ComfyUI-Manager", "custom_nodes/comfyui-manager");

  private final Locator locator;
  private final boolean rereadable;
  private final Object lock = new Object();
  private volatile Loaded loaded;

  private ManagerNodeMap(Locator locator, Loaded preloaded) {
    this.locator = locator;
    this.loaded = preloaded;
    this.rereadable = preloaded == null;
  }

  /** A map that knows nothing, saying why (for example "COMFYUI_PATH is not set"). */
  public static ManagerNodeMap none(String reason) {
    return new ManagerNodeMap(() -> Sources.missing(reason), null);
  }

  /**
   * The map of the ComfyUI install at {@code comfyUiPath}; files are found and read on first use.
   */
  public static ManagerNodeMap locate(Path comfyUiPath) {
    return new ManagerNodeMap(() -> find(comfyUiPath), null);
  }

  /**
   * The map in these files, read on first use.
   *
   * @param nodeMap an {@code extension-node-map.json}
   * @param customNodeList a {@code custom-node-list.json}, or {@code null}
   */
  public static ManagerNodeMap ofFiles(Path nodeMap, Path customNodeList) {
    return new ManagerNodeMap(() -> new Sources(nodeMap, customNodeList, null), null);
  }

  /**
   * The map in the files {@code locator} names, asked on first use (under the load lock, so a
   * locator that takes its time holds every reader that must wait for the map).
   */
  static ManagerNodeMap locatedBy(Supplier<Sources> locator) {
    return new ManagerNodeMap(locator::get, null);
  }

  /**
   * A map parsed now from streams (tests, benchmarks).
   *
   * @param nodeMap the content of an {@code extension-node-map.json}
   * @param customNodeList the content of a {@code custom-node-list.json}, or {@code null}
   * @throws IOException when either is not the JSON it should be
   */
  public static ManagerNodeMap parse(InputStream nodeMap, InputStream customNodeList)
      throws IOException {
    Map<String, PackInfo> infos =
        customNodeList == null ? Map.of() : parseCustomNodeList(customNodeList);
    Loaded parsed = parseNodeMap(nodeMap, infos, "streams");
    return new ManagerNodeMap(() -> Sources.missing("parsed from streams"), parsed);
  }

  /** Every pack, in the order of the node map. */
  public Collection<NodePack> packs() {
    return current().packs();
  }

  /**
   * The packs that provide {@code classType}: those that list it by name (the ones that preempt it
   * first), else those whose {@code nodename_pattern} matches it; empty when ComfyUI-Manager does
   * not know it.
   */
  public List<NodePack> packsProviding(String classType) {
    Loaded current = current();
    List<NodePack> listed = current.providers(classType);
    if (listed != null) {
      return listed;
    }
    List<NodePack> byPattern = new ArrayList<>();
    for (PatternPack candidate : current.patterns()) {
      if (candidate.pattern().matcher(classType).find()) {
        byPattern.add(candidate.pack());
      }
    }
    return byPattern;
  }

  /**
   * Every node type the packs list, each once, in the order the map first lists them (the order the
   * search index numbers them in); reads the files when not yet read.
   */
  List<String> nodeTypes() {
    return current().nodeTypes();
  }

  /** Whether the files were found and read. */
  public boolean isAvailable() {
    return current().problem() == null;
  }

  /**
   * Where the map was read from ({@code /opt/ComfyUI/user/default/ComfyUI-Manager/cache/...}), or
   * why it is not available.
   */
  public String describeSource() {
    Loaded current = current();
    return current.problem() != null ? current.problem() : current.source();
  }

  /** Number of distinct node types known now; 0 before the files were read. Never reads them. */
  public int size() {
    Loaded current = loaded;
    return current == null ? 0 : current.nodeTypes().size();
  }

  /**
   * Whether the files were read (or found missing or unreadable), so that every other method
   * answers at once; never reads them. False before the first use and after {@link #refresh()}.
   */
  public boolean isRead() {
    return loaded != null;
  }

  /** Number of packs known now; reads the files when not yet read. */
  public int packCount() {
    return current().packs().size();
  }

  /**
   * Identifies the content held: changes whenever the files are read again, so that indexes built
   * over the map know when to rebuild.
   */
  public long generation() {
    return current().generation();
  }

  /**
   * Forgets what was read; the next use finds and reads the files again. A map parsed from streams
   * keeps its content.
   */
  public void refresh() {
    synchronized (lock) {
      if (rereadable) {
        loaded = null;
      }
    }
  }

  private Loaded current() {
    Loaded current = loaded;
    if (current != null) {
      return current;
    }
    synchronized (lock) {
      if (loaded == null) {
        loaded = load(locator.locate());
      }
      return loaded;
    }
  }

  private static Loaded load(Sources sources) {
    if (sources.nodeMap() == null) {
      return Loaded.empty(sources.missingReason());
    }
    Map<String, PackInfo> infos = Map.of();
    if (sources.customNodeList() != null) {
      try (InputStream in = Files.newInputStream(sources.customNodeList())) {
        infos = parseCustomNodeList(in);
      } catch (IOException | RuntimeException e) {
        // Titles and descriptions are a nicety; the node map alone still answers "which pack".
        log.warn(
            "ComfyUI-Manager's {} could not be read, packs are shown without descriptions: {}",
            sources.customNodeList(),
            e.toString());
      }
    }
    try (InputStream in = Files.newInputStream(sources.nodeMap())) {
      long started = System.nanoTime();
      Loaded result = parseNodeMap(in, infos, sources.nodeMap().toString());
      log.info(
          "read ComfyUI-Manager's node map {}: {} node types in {} packs ({} ms)",
          sources.nodeMap(),
          result.nodeTypes().size(),
          result.packs().size(),
          (System.nanoTime() - started) / 1_000_000);
      return result;
    } catch (IOException | RuntimeException e) {
      String problem =
          "ComfyUI-Manager's node map "
              + sources.nodeMap()
              + " could not be read ("
              + e.getMessage()
              + "); the file is left as it is";
      log.warn(problem);
      return Loaded.empty(problem);
    }
  }

  /**
   * Reads an {@code extension-node-map.json} with Jackson's streaming parser, token by token (no
   * tree), each pack going into the compact tables of {@link Loaded} as soon as its entry ends.
   */
  static Loaded parseNodeMap(InputStream in, Map<String, PackInfo> infos, String source)
      throws IOException {
    Loaded.Builder builder = new Loaded.Builder();
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

  static Sources find(Path comfyUiPath) {
    Optional<Path> nodeMap = newest(comfyUiPath, NODE_MAP_FILE);
    if (nodeMap.isEmpty()) {
      return Sources.missing(
          "ComfyUI-Manager's "
              + NODE_MAP_FILE
              + " was not found under COMFYUI_PATH="
              + comfyUiPath
              + " (looked in "
              + String.join(", ", CACHE_DIRS)
              + " and "
              + String.join(", ", BUNDLED_DIRS)
              + "); install ComfyUI-Manager and open its node list once so it downloads the map");
    }
    return new Sources(nodeMap.get(), newest(comfyUiPath, NODE_LIST_FILE).orElse(null), null);
  }

  /** The most recently written copy of {@code fileName} among the places Manager versions use. */
  private static Optional<Path> newest(Path comfyUiPath, String fileName) {
    List<Path> candidates = new ArrayList<>();
    String stem = fileName.substring(0, fileName.length() - ".json".length());
    for (String dir : CACHE_DIRS) {
      Path cache = comfyUiPath.resolve(dir);
      if (Files.isDirectory(cache)) {
        // Manager names its cached copies "<hash of the channel URL>_<file name>[.json]".
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cache, "*" + stem + "*.json")) {
          files.forEach(candidates::add);
        } catch (IOException e) {
          log.debug("cannot list {}: {}", cache, e.toString());
        }
      }
    }
    for (String dir : BUNDLED_DIRS) {
      Path bundled = comfyUiPath.resolve(dir).resolve(fileName);
      if (Files.isRegularFile(bundled)) {
        candidates.add(bundled);
      }
    }
    Path best = null;
    FileTime bestTime = null;
    for (Path candidate : candidates) {
      try {
        FileTime time = Files.getLastModifiedTime(candidate);
        if (Files.size(candidate) > 2 && (bestTime == null || time.compareTo(bestTime) > 0)) {
          best = candidate;
          bestTime = time;
        }
      } catch (IOException e) {
        log.debug("cannot stat {}: {}", candidate, e.toString());
      }
    }
    return Optional.ofNullable(best);
  }

  /** Finds the files to read; runs under the load lock. */
  @FunctionalInterface
  private interface Locator {
    Sources locate();
  }

  /** Where to read from, or why there is nothing to read. */
  record Sources(Path nodeMap, Path customNodeList, String missingReason) {
    static Sources missing(String reason) {
      return new Sources(null, null, reason);
    }
  }

  record PackInfo(String id, String title, String author, String description) {}

  private record PatternPack(Pattern pattern, NodePack pack) {}

  /**
   * One reading of the files, in compact tables rather than a map of lists: the distinct node types
   * in an array in the order the map first lists them, an open-addressing table of their indexes by
   * name, and each one's providers (most node types have one pack, whose singleton list all of its
   * node types share). Immutable once built.
   */
  private static final class Loaded {
    private final List<NodePack> packs;
    private final List<String> nodeTypes;
    private final String[] names;
    private final int[] slots;
    private final List<NodePack>[] providers;
    private final List<PatternPack> patterns;
    private final String source;
    private final String problem;
    private final long generation;

    private Loaded(Builder b, String source, String problem) {
      this.packs = List.copyOf(b.packs);
      this.names = Arrays.copyOf(b.names, b.count);
      this.nodeTypes = Collections.unmodifiableList(Arrays.asList(names));
      this.slots = b.slots;
      this.providers = Arrays.copyOf(b.providers, b.count);
      this.patterns = List.copyOf(b.patterns);
      this.source = source;
      this.problem = problem;
      this.generation = GENERATIONS.incrementAndGet();
    }

    static Loaded empty(String problem) {
      return new Builder().build(null, problem);
    }

    List<NodePack> packs() {
      return packs;
    }

    List<String> nodeTypes() {
      return nodeTypes;
    }

    List<PatternPack> patterns() {
      return patterns;
    }

    String source() {
      return source;
    }

    String problem() {
      return problem;
    }

    long generation() {
      return generation;
    }

    /** The packs listing {@code nodeType} by name, the preempting ones first; null when none. */
    List<NodePack> providers(String nodeType) {
      int mask = slots.length - 1;
      for (int at = spread(nodeType.hashCode()) & mask; ; at = (at + 1) & mask) {
        int slot = slots[at];
        if (slot == 0) {
          return null;
        }
        if (names[slot - 1].equals(nodeType)) {
          return providers[slot - 1];
        }
      }
    }

    private static int spread(int hash) {
      return (hash ^ (hash >>> 16)) * 0x9E3779B9;
    }

    /** Takes packs as they are read and files their node types. */
    static final class Builder {
      private final List<NodePack> packs = new ArrayList<>();
      private final List<PatternPack> patterns = new ArrayList<>();
      private String[] names = new String[1024];
      private List<NodePack>[] providers = newLists(1024);

      /** Slot {@code i} holds 1 + the index of a node type in {@link #names}, 0 when free. */
      private int[] slots = new int[2048];

      private int count;

      /** Node types that more than one pack lists, by index, their providers being growable. */
      private final List<Integer> shared = new ArrayList<>();

      void add(NodePack pack) {
        packs.add(pack);
        // Most node types have one provider: they share one immutable list per pack.
        List<NodePack> alone = List.of(pack);
        for (String nodeType : pack.nodeTypes()) {
          int index = indexOf(nodeType);
          if (index < 0) {
            index = append(nodeType);
            providers[index] = alone;
          } else {
            List<NodePack> listed = providers[index];
            if (!(listed instanceof ArrayList)) {
              listed = new ArrayList<>(listed);
              providers[index] = listed;
              shared.add(index);
            }
            listed.add(pack);
          }
        }
        if (!pack.nodeNamePattern().isEmpty()) {
          try {
            patterns.add(new PatternPack(Pattern.compile(pack.nodeNamePattern()), pack));
          } catch (PatternSyntaxException e) {
            log.debug(
                "nodename_pattern of {} is not a Java regular expression: {}",
                pack.repoUrl(),
                e.getDescription());
          }
        }
      }

      Loaded build(String source, String problem) {
        for (int index : shared) {
          String nodeType = names[index];
          List<NodePack> listed = providers[index];
          // A pack that declares a preemption wins the name over the others (a stable sort).
          listed.sort(
              (a, b) ->
                  Boolean.compare(
                      b.preemptions().contains(nodeType), a.preemptions().contains(nodeType)));
          providers[index] = List.copyOf(listed);
        }
        return new Loaded(this, source, problem);
      }

      private int indexOf(String nodeType) {
        int mask = slots.length - 1;
        for (int at = spread(nodeType.hashCode()) & mask; ; at = (at + 1) & mask) {
          int slot = slots[at];
          if (slot == 0) {
            return -1;
          }
          if (names[slot - 1].equals(nodeType)) {
            return slot - 1;
          }
        }
      }

      private int append(String nodeType) {
        if (count == names.length) {
          names = Arrays.copyOf(names, count * 2);
          providers = Arrays.copyOf(providers, count * 2);
        }
        names[count] = nodeType;
        count++;
        // At most half full, so that probes stay short.
        if (count * 2 > slots.length) {
          slots = new int[slots.length * 2];
          for (int i = 0; i < count; i++) {
            place(i);
          }
        } else {
          place(count - 1);
        }
        return count - 1;
      }

      private void place(int index) {
        int mask = slots.length - 1;
        int at = spread(names[index].hashCode()) & mask;
        while (slots[at] != 0) {
          at = (at + 1) & mask;
        }
        slots[at] = index + 1;
      }

      @SuppressWarnings("unchecked")
      private static List<NodePack>[] newLists(int length) {
        return (List<NodePack>[]) new List<?>[length];
      }
    }
  }
}
