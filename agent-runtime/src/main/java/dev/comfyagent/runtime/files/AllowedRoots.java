package dev.comfyagent.runtime.files;

import java.nio.file.Path;
import java.util.List;

/**
 * The directories tools may read workflows from and save them to ({@code WORKFLOWS_DIR}, the
 * working directory, ...). Every user-given path is resolved against them and refused when it
 * escapes them ({@code ../} traversal, absolute paths elsewhere, links pointing out).
 *
 * <p>OWNER: workflow helper (resolution rules, Windows paths, tests with Jimfs). This skeleton
 * fixes the constructor other packages use.
 *
 * <p>Immutable and thread-safe.
 */
public final class AllowedRoots {

  private final List<Path> roots;

  private AllowedRoots(List<Path> roots) {
    this.roots = List.copyOf(roots);
  }

  /**
   * The given directories, normalized to absolute paths.
   *
   * @throws IllegalArgumentException when the list is empty
   */
  public static AllowedRoots of(List<Path> roots) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed root is needed");
    }
    return new AllowedRoots(roots.stream().map(p -> p.toAbsolutePath().normalize()).toList());
  }

  /** The roots, absolute and normalized, in the order given. */
  public List<Path> roots() {
    return roots;
  }
}
