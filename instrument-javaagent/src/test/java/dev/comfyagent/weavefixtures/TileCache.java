package dev.comfyagent.weavefixtures;

import java.util.ArrayList;
import java.util.List;

/** A cache of a host application, read by a memory probe in the weaving tests. */
public final class TileCache {

  private final List<String> tiles = new ArrayList<>();

  public TileCache() {
    this(0);
  }

  public TileCache(int preloaded) {
    for (int i = 0; i < preloaded; i++) {
      tiles.add("tile-" + i);
    }
  }

  public synchronized void put(String tile) {
    tiles.add(tile);
  }

  public synchronized List<String> tiles() {
    return List.copyOf(tiles);
  }
}
