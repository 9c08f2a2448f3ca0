package dev.comfyagent.runtime.discover;

import dev.comfyagent.runtime.discover.ManagerNodeMap.Sources;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where ComfyUI-Manager keeps its files under a ComfyUI install. It keeps the copies it downloads
 * from its channel in a cache directory whose place changed across versions, next to the (older)
 * copy it ships with; all are looked at, and the most recently written non-empty file wins (see
 * {@link ManagerNodeMap} for the list).
 *
 * <p>Usage: {@code Sources sources = ManagerMapFiles.find(Path.of("/opt/ComfyUI"));}. Stateless and
 * thread-safe; reads directories, never files' content.
 */
final class ManagerMapFiles {

  private static final Logger log = LoggerFactory.getLogger(ManagerNodeMap.class);

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

  private ManagerMapFiles() {}

  /** The newest node map and node list under {@code comfyUiPath}, or why there is none. */
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
}
