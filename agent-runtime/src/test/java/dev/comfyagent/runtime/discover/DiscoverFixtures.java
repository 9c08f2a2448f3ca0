package dev.comfyagent.runtime.discover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The test fixtures of the discover package, in the real shapes: an {@code /object_info} document
 * (built-in nodes and one custom node) and ComfyUI-Manager's two catalog files.
 */
public final class DiscoverFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DiscoverFixtures() {}

  /** The {@code /object_info} fixture. */
  public static JsonNode objectInfo() {
    try (InputStream in = resource("object_info.json")) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static NodeDefinitions definitions() {
    return NodeDefinitions.parse(objectInfo());
  }

  /** ComfyUI-Manager's map of the fixture files, parsed now. */
  public static ManagerNodeMap managerMap() {
    try (InputStream map = resource("extension-node-map.json");
        InputStream list = resource("custom-node-list.json")) {
      return ManagerNodeMap.parse(map, list);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lays the fixture files out as ComfyUI-Manager 3.x does under a ComfyUI install: in {@code
   * user/default/ComfyUI-Manager/cache/} with its hash-prefixed names.
   */
  public static Path comfyUiInstall(Path root) throws IOException {
    Path cache = root.resolve("user/default/ComfyUI-Manager/cache");
    Files.createDirectories(cache);
    copy("extension-node-map.json", cache.resolve("1742899825_extension-node-map.json"));
    copy("custom-node-list.json", cache.resolve("1514988643_custom-node-list.json"));
    return root;
  }

  static void copy(String name, Path target) throws IOException {
    try (InputStream in = resource(name)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static InputStream resource(String name) {
    InputStream in = DiscoverFixtures.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("missing test resource " + name);
    }
    return in;
  }
}
