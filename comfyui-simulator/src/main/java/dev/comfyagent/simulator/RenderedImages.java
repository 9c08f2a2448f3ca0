package dev.comfyagent.simulator;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The image files the simulated runs "saved": ComfyUI's output and temp directories, answered by
 * {@code GET /view}. Nothing is rendered: each file is a small gradient PNG whose colours come from
 * its name, so different outputs look different and the same output always looks the same.
 *
 * <p>Also numbers saved files the way ComfyUI's {@code SaveImage} does ({@code
 * <prefix>_00001_.png}, counting up per prefix).
 *
 * <p>Thread-safe.
 */
final class RenderedImages {

  /** Side of the generated PNGs in pixels: enough to be an image, small enough for tests. */
  static final int SIZE = 64;

  private static final int MAX_FILES = 10_000;

  private final Map<String, byte[]> files = new OldestDropped();

  private final Map<String, Integer> counters = new LinkedHashMap<>();

  /** The next file name for {@code prefix} in {@code subfolder}, as SaveImage counts them. */
  synchronized String nextName(String type, String subfolder, String prefix) {
    String key = type + "/" + subfolder + "/" + prefix;
    int counter = counters.merge(key, 1, Integer::sum);
    return String.format("%s_%05d_.png", prefix, counter);
  }

  /** Records a saved image and returns its PNG bytes. */
  synchronized byte[] save(String type, String subfolder, String filename) {
    byte[] png = png(type + "/" + subfolder + "/" + filename);
    files.put(key(type, subfolder, filename), png);
    return png;
  }

  /** The PNG of a saved image or an input image, if there is one by that name. */
  synchronized Optional<byte[]> find(String type, String subfolder, String filename) {
    return Optional.ofNullable(files.get(key(type, subfolder, filename)));
  }

  /** Number of saved images. */
  synchronized int size() {
    return files.size();
  }

  private static String key(String type, String subfolder, String filename) {
    return type + "\u0000" + subfolder + "\u0000" + filename;
  }

  /** A {@link #SIZE}-pixel gradient PNG whose colours depend on {@code seed}. */
  static byte[] png(String seed) {
    int hash = seed.hashCode();
    int r0 = (hash >>> 16) & 0xff;
    int g0 = (hash >>> 8) & 0xff;
    int b0 = hash & 0xff;
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int r = (r0 + x * 3) & 0xff;
        int g = (g0 + y * 3) & 0xff;
        int b = (b0 + (x + y)) & 0xff;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Keeps the newest {@value #MAX_FILES} images, as ComfyUI's output folder would not. */
  private static final class OldestDropped extends LinkedHashMap<String, byte[]> {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > MAX_FILES;
    }
  }
}
