package dev.comfyagent.runtime.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The directories tools may read workflows from and save them to ({@code WORKFLOWS_DIR}, or the
 * {@code user/default/workflows} folder of {@code COMFYUI_PATH}), or none: then file access is off
 * and every path is refused with a message saying how to turn it on. Every user-given path is
 * resolved against the roots and refused when it escapes them ({@code ../} traversal, absolute
 * paths elsewhere, links pointing out).
 *
 * <p>Usage:
 *
 * <pre>{@code
 * AllowedRoots roots = AllowedRoots.of(List.of(Path.of("workflows")));
 * Path in = roots.resolveForRead("portraits/sdxl.json");   // must exist inside a root
 * Path out = roots.resolveForWrite("portraits/v2.json");   // parent created inside the first root
 * AllowedRoots.none().resolveForRead("a.json");            // PathNotAllowedException: file access is off
 * }</pre>
 *
 * <p>Rules, in the order they are applied:
 *
 * <ol>
 *   <li>Without roots, every path is refused ({@link #isEnabled()} is false).
 *   <li>The text is parsed by the roots' own file system, so {@code G:\x} is an absolute path on a
 *       Windows file system (refused unless it lies in a root) and an ordinary, if odd, file name
 *       elsewhere. Drive-relative ({@code C:x}) and root-relative ({@code \x}) Windows paths are
 *       refused because their meaning depends on the process's current drive.
 *   <li>A relative path is resolved against the roots (for reading, the first root where it exists;
 *       for writing, the first root); an absolute path must lie in one of them. Both are normalized
 *       first, so {@code a/../b} is fine and {@code ../b} is refused.
 *   <li>The real path (links followed) of what is read, of a file that is overwritten, and of the
 *       deepest existing directory of a new file must lie in the real path of a root, so a link
 *       inside a root cannot lead outside it.
 * </ol>
 *
 * <p>Which directories may be roots at all (not a file system root, not the home directory) is the
 * settings' decision ({@code RuntimeSettings}), made at start.
 *
 * <p>Immutable and thread-safe. The checks are a guard against mistakes and prompt-injected paths,
 * not against a concurrent local attacker swapping directories between check and use.
 */
public final class AllowedRoots {

  /** {@code C:x} (drive-relative) or {@code \x} (root-relative, not a UNC {@code \\server}). */
  private static final Pattern DRIVE_OR_ROOT_RELATIVE =
      Pattern.compile("^(?:[A-Za-z]:(?![\\\\/])|[\\\\/](?![\\\\/]))");

  /** Why file access is off, when no reason is given. */
  public static final String NOT_CONFIGURED =
      "no workflow folder is configured (neither WORKFLOWS_DIR nor COMFYUI_PATH is set)";

  private final List<Path> roots;
  private final String offBecause;

  private AllowedRoots(List<Path> roots, String offBecause) {
    this.roots = List.copyOf(roots);
    this.offBecause = offBecause;
  }

  /**
   * The given directories, normalized to absolute paths.
   *
   * @throws IllegalArgumentException when the list is empty or the roots are on different file
   *     systems
   */
  public static AllowedRoots of(List<Path> roots) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("at least one allowed root is needed");
    }
    FileSystem fs = roots.get(0).getFileSystem();
    for (Path root : roots) {
      if (root.getFileSystem() != fs) {
        throw new IllegalArgumentException("allowed roots must be on one file system: " + roots);
      }
    }
    return new AllowedRoots(roots.stream().map(p -> p.toAbsolutePath().normalize()).toList(), null);
  }

  /** No roots: file access is off, because {@link #NOT_CONFIGURED}. */
  public static AllowedRoots none() {
    return none(NOT_CONFIGURED);
  }

  /**
   * No roots: file access is off.
   *
   * @param because why, for the message every refused path gets ("COMFYUI_PATH is set, but ...")
   */
  public static AllowedRoots none(String because) {
    return new AllowedRoots(List.of(), because);
  }

  /** Whether any path can be allowed (false when file access is off). */
  public boolean isEnabled() {
    return !roots.isEmpty();
  }

  /** The roots, absolute and normalized, in the order given. */
  public List<Path> roots() {
    return roots;
  }

  /**
   * The roots as one readable string, for messages: {@code "/srv/workflows, /home/me/flows"}, or
   * {@code "none: file access is off"}.
   */
  public String describe() {
    if (roots.isEmpty()) {
      return "none: file access is off";
    }
    return roots.stream().map(Path::toString).collect(Collectors.joining(", "));
  }

  /**
   * The refusal of any path while file access is off: why, and how to turn it on.
   *
   * <p>Worded for the assistant, which relays it to the user.
   */
  public String offMessage() {
    return "file access is off: "
        + offBecause
        + ". To read and save workflow files, set WORKFLOWS_DIR (or --workflows-dir) to the"
        + " folder that holds them, or COMFYUI_PATH to your ComfyUI install to use its"
        + " user/default/workflows folder, and restart the server. Without files, pass the"
        + " workflow JSON itself to load_workflow as 'workflow'.";
  }

  /**
   * The existing regular file {@code userPath} names.
   *
   * @throws PathNotAllowedException when the path is invalid, escapes the roots, does not exist or
   *     is not a regular file
   */
  public Path resolveForRead(String userPath) {
    Path given = parse(userPath);
    Path candidate;
    if (given.isAbsolute()) {
      candidate = requireInsideLexically(userPath, given.normalize());
    } else {
      candidate = null;
      for (Path root : roots) {
        Path inRoot = requireInsideLexically(userPath, root.resolve(given).normalize());
        if (Files.exists(inRoot)) {
          candidate = inRoot;
          break;
        }
      }
      if (candidate == null) {
        throw new PathNotAllowedException(
            "no file '" + userPath + "' under the allowed roots (" + describe() + ")");
      }
    }
    if (!Files.exists(candidate)) {
      throw new PathNotAllowedException("no file '" + userPath + "' (looked at " + candidate + ")");
    }
    Path real = realPath(userPath, candidate);
    requireInsideReally(userPath, real);
    if (!Files.isRegularFile(real)) {
      throw new PathNotAllowedException("'" + userPath + "' is not a regular file");
    }
    return candidate;
  }

  /**
   * Where to write the file {@code userPath} names. Missing parent directories inside the root are
   * created; an existing file at the path is left alone (whether to overwrite it is the writer's
   * decision).
   *
   * @throws PathNotAllowedException when the path is invalid, escapes the roots, names a directory,
   *     or its directory cannot be created
   */
  public Path resolveForWrite(String userPath) {
    Path given = parse(userPath);
    Path candidate =
        given.isAbsolute()
            ? requireInsideLexically(userPath, given.normalize())
            : requireInsideLexically(userPath, roots.get(0).resolve(given).normalize());
    if (roots.contains(candidate) || candidate.getFileName() == null) {
      throw new PathNotAllowedException(
          "'" + userPath + "' is an allowed root directory, not a file name");
    }
    if (Files.isDirectory(candidate)) {
      throw new PathNotAllowedException("'" + userPath + "' is a directory, not a file");
    }
    if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      // An existing file (or link) is replaced: where it really points must be inside too.
      requireInsideReally(userPath, realPath(userPath, candidate));
    }
    Path parent = candidate.getParent();
    Path existing = parent;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new PathNotAllowedException("no existing directory above '" + userPath + "'");
    }
    requireInsideReally(userPath, realPath(userPath, existing));
    if (!Files.isDirectory(existing)) {
      throw new PathNotAllowedException("'" + existing + "' is not a directory");
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new PathNotAllowedException(
          "cannot create directory " + parent + " for '" + userPath + "': " + e);
    }
    return candidate;
  }

  private Path parse(String userPath) {
    if (roots.isEmpty()) {
      throw new PathNotAllowedException(offMessage());
    }
    if (userPath == null || userPath.isBlank()) {
      throw new PathNotAllowedException("a path is needed");
    }
    FileSystem fs = roots.get(0).getFileSystem();
    if ("\\".equals(fs.getSeparator()) && DRIVE_OR_ROOT_RELATIVE.matcher(userPath).find()) {
      throw driveRelative(userPath);
    }
    Path given;
    try {
      given = fs.getPath(userPath);
    } catch (InvalidPathException e) {
      throw new PathNotAllowedException(
          "'" + userPath + "' is not a valid path here: " + e.getReason());
    }
    if (!given.isAbsolute() && given.getRoot() != null) {
      throw driveRelative(userPath);
    }
    return given;
  }

  private PathNotAllowedException driveRelative(String userPath) {
    // Windows "C:x" or "\x": relative to a drive or to the current drive's root.
    return new PathNotAllowedException(
        "'"
            + userPath
            + "' is relative to a drive or drive root, which depends on the current drive;"
            + " give a path relative to an allowed root ("
            + describe()
            + ") or a full absolute path");
  }

  private Path requireInsideLexically(String userPath, Path normalized) {
    for (Path root : roots) {
      if (normalized.startsWith(root)) {
        return normalized;
      }
    }
    throw new PathNotAllowedException(
        "'"
            + userPath
            + "' is outside the allowed roots ("
            + describe()
            + "); use a path relative to one of them, without '..' leading out");
  }

  private void requireInsideReally(String userPath, Path real) {
    for (Path root : roots) {
      if (real.startsWith(realRoot(root))) {
        return;
      }
    }
    throw new PathNotAllowedException(
        "'"
            + userPath
            + "' leads outside the allowed roots through a link (it resolves to "
            + real
            + "; allowed: "
            + describe()
            + ")");
  }

  private static Path realRoot(Path root) {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return root;
    }
  }

  private static Path realPath(String userPath, Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new PathNotAllowedException(
          "cannot resolve '" + userPath + "' (" + e.getClass().getSimpleName() + ": " + e + ")");
    }
  }
}
