package dev.comfyagent.runtime.discover;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
 * <p>Its parts: {@link ManagerMapFiles} (where the files are), {@link ManagerMapParser} (reading
 * them), {@link ManagerMapSnapshot} (what one reading holds).
 *
 * <p>Thread-safe: the files are read once, under a lock, and readers then see one immutable
 * snapshot.
 */
public final class ManagerNodeMap {

  private static final Logger log = LoggerFactory.getLogger(ManagerNodeMap.class);

  private final Locator locator;
  private final boolean rereadable;
  private final Object lock = new Object();
  private volatile ManagerMapSnapshot loaded;

  private ManagerNodeMap(Locator locator, ManagerMapSnapshot preloaded) {
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
    return new ManagerNodeMap(() -> ManagerMapFiles.find(comfyUiPath), null);
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
    Map<String, ManagerMapParser.PackInfo> infos =
        customNodeList == null ? Map.of() : ManagerMapParser.parseCustomNodeList(customNodeList);
    ManagerMapSnapshot parsed = ManagerMapParser.parseNodeMap(nodeMap, infos, "streams");
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
    ManagerMapSnapshot current = current();
    List<NodePack> listed = current.providers(classType);
    if (listed != null) {
      return listed;
    }
    List<NodePack> byPattern = new ArrayList<>();
    for (ManagerMapSnapshot.PatternPack candidate : current.patterns()) {
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
    ManagerMapSnapshot current = current();
    return current.problem() != null ? current.problem() : current.source();
  }

  /** Number of distinct node types known now; 0 before the files were read. Never reads them. */
  public int size() {
    ManagerMapSnapshot current = loaded;
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

  private ManagerMapSnapshot current() {
    ManagerMapSnapshot current = loaded;
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

  private static ManagerMapSnapshot load(Sources sources) {
    if (sources.nodeMap() == null) {
      return ManagerMapSnapshot.empty(sources.missingReason());
    }
    Map<String, ManagerMapParser.PackInfo> infos = Map.of();
    if (sources.customNodeList() != null) {
      try (InputStream in = Files.newInputStream(sources.customNodeList())) {
        infos = ManagerMapParser.parseCustomNodeList(in);
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
      ManagerMapSnapshot result =
          ManagerMapParser.parseNodeMap(in, infos, sources.nodeMap().toString());
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
      return ManagerMapSnapshot.empty(problem);
    }
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
}
