/*
 * Bumps the version of comfy-agent and rolls CHANGELOG.md for a release.
 *
 * Usage (from anywhere inside a clone; Java 17+, no build needed):
 *
 *   java scripts/BumpVersion.java major|minor|patch [--dry-run] [--allow-dirty] [--date YYYY-MM-DD]
 *
 * The version lives in one place, the root pom's <revision> property (CI-friendly versions: the
 * modules name ${revision}, and flatten-maven-plugin writes the number into the published poms),
 * so the pom part is one property; what no tool does is the changelog. All or nothing:
 *   1. Computes the release version from <revision> (semver rules: a pre-release such as
 *      0.2.0-SNAPSHOT is released as the version it leads to, so "minor" on 0.2.0-SNAPSHOT gives
 *      0.2.0, "minor" on 0.2.0 gives 0.3.0).
 *   2. Sets <revision> to it and project.build.outputTimestamp (reproducible builds) to the release
 *      instant.
 *   3. Rolls the [Unreleased] section of CHANGELOG.md (Keep a Changelog) into
 *      "## [x.y.z] - YYYY-MM-DD", merging what [Unreleased] already says with entries generated from
 *      the Conventional Commits since the last v* tag: feat -> Added, fix -> Fixed, perf -> Changed,
 *      and "!" or a BREAKING CHANGE footer -> a **BREAKING** entry under Changed; refactor, docs,
 *      test, build, ci, chore, style and non-conventional commits are left out (the latter listed).
 *      The compare links at the bottom are updated.
 *   4. Commits that as "chore(release): vX.Y.Z", tags it vX.Y.Z, then sets <revision> to the next
 *      patch's -SNAPSHOT and commits that, so that no later build claims to be the release. It
 *      prints the one push to run (see docs/release.md). --dry-run prints what it would do.
 *
 * Every file is written to a temporary sibling first and moved into place only when all new
 * contents were computed, so a failure leaves the tree as it was.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Entry point: parses the arguments, runs the bump, maps failures to exit codes 1 and 2. */
public final class BumpVersion {

  static final String USAGE =
      """
      usage: java scripts/BumpVersion.java major|minor|patch [options]

        major|minor|patch   which part of the version to bump (semver; a pre-release such as
                            1.3.0-SNAPSHOT is released as 1.3.0 by "minor" or "patch")
        --dry-run           print what would change, write nothing
        --allow-dirty       run even when tracked files have uncommitted changes
        --date YYYY-MM-DD   release date for the changelog and the build timestamp (default: today, UTC)
        -h, --help          show this help
      """;

  private BumpVersion() {}

  public static void main(String[] args) {
    int status;
    try {
      Options options = Options.parse(args);
      if (options.help()) {
        System.out.print(USAGE);
        status = 0;
      } else {
        new Release(options, Path.of("").toAbsolutePath()).run();
        status = 0;
      }
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      status = 2;
    } catch (BumpException e) {
      System.err.println("error: " + e.getMessage());
      status = 1;
    }
    System.exit(status);
  }
}

/** A wrong command line: printed with the usage, exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}

/** A state of the repository that does not allow the bump: exit code 1, nothing written. */
final class BumpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BumpException(String message) {
    super(message);
  }
}

/** The parsed command line. */
record Options(
    Bump bump, boolean dryRun, boolean allowDirty, Optional<LocalDate> date, boolean help) {

  static Options parse(String[] args) {
    Bump bump = null;
    boolean dryRun = false;
    boolean allowDirty = false;
    LocalDate date = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h", "--help" -> {
          return new Options(null, false, false, Optional.empty(), true);
        }
        case "--dry-run" -> dryRun = true;
        case "--allow-dirty" -> allowDirty = true;
        case "--date" -> {
          if (i + 1 >= args.length) {
            throw new UsageException("--date needs a value, e.g. --date 2026-03-01");
          }
          date = parseDate(args[++i]);
        }
        default -> {
          if (arg.startsWith("--date=")) {
            date = parseDate(arg.substring("--date=".length()));
          } else if (arg.startsWith("-")) {
            throw new UsageException("unknown option '" + arg + "'");
          } else if (bump != null) {
            throw new UsageException(
                "one bump kind expected, got '" + bump.word() + "' and '" + arg + "'");
          } else {
            bump = Bump.of(arg);
          }
        }
      }
    }
    if (bump == null) {
      throw new UsageException("which part to bump? give major, minor or patch");
    }
    return new Options(bump, dryRun, allowDirty, Optional.ofNullable(date), false);
  }

  private static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new UsageException("--date '" + text + "' is not a date in the form YYYY-MM-DD");
    }
  }
}

/** Which part of the version to increase. */
enum Bump {
  MAJOR,
  MINOR,
  PATCH;

  static Bump of(String word) {
    for (Bump bump : values()) {
      if (bump.word().equals(word)) {
        return bump;
      }
    }
    throw new UsageException("unknown bump kind '" + word + "': expected major, minor or patch");
  }

  String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}

/** A version major.minor.patch with an optional pre-release qualifier (e.g. -SNAPSHOT). */
record Version(int major, int minor, int patch, String preRelease) {

  private static final Pattern FORM =
      Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z.-]+))?");

  static Version parse(String text, String where) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new BumpException(
          where
              + " holds version '"
              + text
              + "', which is not of the form MAJOR.MINOR.PATCH[-QUALIFIER]");
    }
    return new Version(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)),
        m.group(4));
  }

  /** The release this bump leads to, with semver's pre-release rules (as npm's semver.inc). */
  Version bumped(Bump bump) {
    boolean pre = preRelease != null;
    return switch (bump) {
      case MAJOR ->
          pre && minor == 0 && patch == 0
              ? new Version(major, 0, 0, null)
              : new Version(major + 1, 0, 0, null);
      case MINOR ->
          pre && patch == 0
              ? new Version(major, minor, 0, null)
              : new Version(major, minor + 1, 0, null);
      case PATCH ->
          pre ? new Version(major, minor, patch, null) : new Version(major, minor, patch + 1, null);
    };
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (preRelease == null ? "" : "-" + preRelease);
  }
}

/** Runs git in the repository and returns its output; every failure becomes a BumpException. */
final class Git {

  private final Path directory;

  Git(Path directory) {
    this.directory = directory;
  }

  /** Output of a git command that must succeed. */
  String run(String... args) {
    Result result = tryRun(args);
    if (result.exitCode() != 0) {
      throw new BumpException(
          "git " + String.join(" ", args) + " failed: " + result.error().strip());
    }
    return result.output();
  }

  /** Output and exit code of a git command that may fail. */
  Result tryRun(String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.add("-c");
    command.add("core.quotepath=off");
    command.add("-c");
    command.add("i18n.logOutputEncoding=UTF-8");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().put("GIT_PAGER", "cat");
    builder.environment().put("LC_ALL", "C");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new BumpException("cannot run git (is it installed and on PATH?): " + e.getMessage());
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> error =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String output = readAll(process.getInputStream());
      int exit = process.waitFor();
      return new Result(exit, output, error.join());
    } catch (IOException e) {
      throw new BumpException("cannot talk to git: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BumpException("interrupted while waiting for git");
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int exitCode, String output, String error) {}
}

/** One Conventional Commit as the changelog sees it. */
record ConventionalCommit(
    String hash, String type, String scope, String description, Optional<String> breakingNote) {

  private static final Pattern SUBJECT =
      Pattern.compile(
          "(?<type>[A-Za-z]+)(?:\\((?<scope>[^()\\r\\n]*)\\))?(?<bang>!)?:\\s+(?<description>\\S.*)");
  private static final Pattern BREAKING_FOOTER =
      Pattern.compile("^BREAKING[ -]CHANGE:\\s*(.*)$", Pattern.MULTILINE);
  private static final Pattern FOOTER_START = Pattern.compile("^[A-Za-z][\\w-]*(?:: | #)");

  /** The commit, or empty when its subject does not follow Conventional Commits. */
  static Optional<ConventionalCommit> parse(String hash, String subject, String body) {
    Matcher m = SUBJECT.matcher(subject.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String description = m.group("description").strip();
    Optional<String> breaking = footer(body);
    if (breaking.isEmpty() && m.group("bang") != null) {
      breaking = Optional.of(description);
    }
    String scope = m.group("scope") == null ? "" : m.group("scope").strip();
    return Optional.of(
        new ConventionalCommit(
            hash, m.group("type").toLowerCase(Locale.ROOT), scope, description, breaking));
  }

  private static Optional<String> footer(String body) {
    Matcher m = BREAKING_FOOTER.matcher(body);
    if (!m.find()) {
      return Optional.empty();
    }
    StringBuilder text = new StringBuilder(m.group(1).strip());
    String[] rest = body.substring(m.end()).split("\\R", -1);
    for (int i = 1; i < rest.length; i++) {
      String line = rest[i];
      if (line.isBlank() || FOOTER_START.matcher(line).find()) {
        break;
      }
      text.append(text.length() == 0 ? "" : " ").append(line.strip());
    }
    return text.length() == 0 ? Optional.empty() : Optional.of(text.toString());
  }

  /** The Keep a Changelog section this commit belongs in, or empty when users would not notice. */
  Optional<String> section() {
    return switch (type) {
      case "feat" -> Optional.of(Changelog.ADDED);
      case "fix" -> Optional.of(Changelog.FIXED);
      case "perf" -> Optional.of(Changelog.CHANGED);
      default -> Optional.empty();
    };
  }
}

/**
 * CHANGELOG.md in Keep a Changelog form: finds [Unreleased], merges generated entries into it, and
 * rolls it into a dated release section with updated compare links.
 */
final class Changelog {

  static final String ADDED = "Added";
  static final String CHANGED = "Changed";
  static final String DEPRECATED = "Deprecated";
  static final String REMOVED = "Removed";
  static final String FIXED = "Fixed";
  static final String SECURITY = "Security";
  private static final List<String> ORDER =
      List.of(ADDED, CHANGED, DEPRECATED, REMOVED, FIXED, SECURITY);

  private static final Pattern UNRELEASED_HEADING =
      Pattern.compile("^##\\s+\\[?unreleased]?\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern SECTION_HEADING = Pattern.compile("^##\\s+.*$");
  private static final Pattern SUBSECTION_HEADING = Pattern.compile("^###\\s+(.+?)\\s*$");
  private static final Pattern LINK_DEFINITION = Pattern.compile("^\\[([^\\]]+)]:\\s*(\\S+)\\s*$");
  private static final Pattern COMPARE_URL = Pattern.compile("^(https?://\\S+?)/compare/\\S+$");

  private final List<String> lines;
  private final String newline;

  Changelog(String text) {
    this.newline = text.contains("\r\n") ? "\r\n" : "\n";
    this.lines = new ArrayList<>(List.of(text.split("\\R", -1)));
  }

  /** The repository web address taken from the existing [Unreleased] compare link, if any. */
  Optional<String> repositoryUrlFromLinks() {
    for (String line : lines) {
      Matcher def = LINK_DEFINITION.matcher(line);
      if (def.matches() && def.group(1).equalsIgnoreCase("unreleased")) {
        Matcher url = COMPARE_URL.matcher(def.group(2));
        if (url.matches()) {
          return Optional.of(url.group(1));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The changelog with [Unreleased] rolled into {@code ## [version] - date}.
   *
   * @param generated entries per section, generated from commits
   * @param repositoryUrl web address for commit and compare links, if known
   * @param previousTag the tag of the previous release, if any
   */
  String roll(
      String version,
      LocalDate date,
      Map<String, List<Entry>> generated,
      Optional<String> repositoryUrl,
      Optional<String> previousTag) {
    int heading = unreleasedHeading();
    int end = heading + 1;
    while (end < lines.size()
        && !SECTION_HEADING.matcher(lines.get(end)).matches()
        && !LINK_DEFINITION.matcher(lines.get(end)).matches()) {
      end++;
    }
    Unreleased existing = Unreleased.parse(lines.subList(heading + 1, end));
    List<String> section = new ArrayList<>();
    section.add("## [Unreleased]");
    section.add("");
    section.add("## [" + version + "] - " + date);
    section.add("");
    section.addAll(existing.preamble());
    if (!existing.preamble().isEmpty()) {
      section.add("");
    }
    Map<String, List<String>> merged = merge(existing, generated, repositoryUrl);
    if (merged.isEmpty() && existing.preamble().isEmpty()) {
      section.add("No user-facing changes.");
      section.add("");
    }
    merged.forEach(
        (name, bullets) -> {
          section.add("### " + name);
          section.add("");
          section.addAll(bullets);
          section.add("");
        });

    List<String> result = new ArrayList<>(lines.subList(0, heading));
    result.addAll(section);
    result.addAll(lines.subList(end, lines.size()));
    return String.join(newline, updateLinks(result, version, repositoryUrl, previousTag));
  }

  private int unreleasedHeading() {
    for (int i = 0; i < lines.size(); i++) {
      if (UNRELEASED_HEADING.matcher(lines.get(i)).matches()) {
        return i;
      }
    }
    throw new BumpException(
        "CHANGELOG.md has no '## [Unreleased]' section; add one above the newest release"
            + " (Keep a Changelog format, https://keepachangelog.com)");
  }

  private static Map<String, List<String>> merge(
      Unreleased existing, Map<String, List<Entry>> generated, Optional<String> repositoryUrl) {
    List<String> names = new ArrayList<>(ORDER);
    existing.sections().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
    Map<String, List<String>> merged = new LinkedHashMap<>();
    for (String name : names) {
      List<String> bullets = new ArrayList<>(existing.sections().getOrDefault(name, List.of()));
      String known = normalize(String.join(" ", bullets));
      for (Entry entry : generated.getOrDefault(name, List.of())) {
        if (!known.contains(normalize(entry.text()))) {
          bullets.add(entry.render(repositoryUrl));
        }
      }
      if (!bullets.isEmpty()) {
        merged.put(name, bullets);
      }
    }
    return merged;
  }

  private static String normalize(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  private List<String> updateLinks(
      List<String> text,
      String version,
      Optional<String> repositoryUrl,
      Optional<String> previousTag) {
    if (repositoryUrl.isEmpty()) {
      return text;
    }
    String repo = repositoryUrl.get();
    String tag = "v" + version;
    String unreleased = "[Unreleased]: " + repo + "/compare/" + tag + "...HEAD";
    String release =
        "["
            + version
            + "]: "
            + previousTag
                .map(p -> repo + "/compare/" + p + "..." + tag)
                .orElse(repo + "/releases/tag/" + tag);
    List<String> out = new ArrayList<>(text);
    for (int i = 0; i < out.size(); i++) {
      Matcher def = LINK_DEFINITION.matcher(out.get(i));
      if (def.matches() && def.group(1).equalsIgnoreCase("unreleased")) {
        out.set(i, unreleased);
        out.add(i + 1, release);
        return out;
      }
    }
    for (int i = 0; i < out.size(); i++) {
      if (LINK_DEFINITION.matcher(out.get(i)).matches()) {
        out.add(i, release);
        out.add(i, unreleased);
        return out;
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    out.add("");
    out.add(unreleased);
    out.add(release);
    out.add("");
    return out;
  }

  /** What [Unreleased] says: free text before the first ###, then bullets per ### section. */
  private record Unreleased(List<String> preamble, Map<String, List<String>> sections) {

    static Unreleased parse(List<String> body) {
      List<String> preamble = new ArrayList<>();
      Map<String, List<String>> sections = new LinkedHashMap<>();
      List<String> current = preamble;
      for (String line : body) {
        Matcher heading = SUBSECTION_HEADING.matcher(line);
        if (heading.matches()) {
          current = sections.computeIfAbsent(canonical(heading.group(1)), k -> new ArrayList<>());
        } else {
          current.add(line);
        }
      }
      trim(preamble);
      sections.values().forEach(Unreleased::trim);
      sections.values().removeIf(List::isEmpty);
      return new Unreleased(preamble, sections);
    }

    private static String canonical(String name) {
      for (String known : ORDER) {
        if (known.equalsIgnoreCase(name)) {
          return known;
        }
      }
      return name;
    }

    private static void trim(List<String> lines) {
      while (!lines.isEmpty() && lines.get(0).isBlank()) {
        lines.remove(0);
      }
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
        lines.remove(lines.size() - 1);
      }
    }
  }

  /** One generated line: "- **scope:** text (hash link)". */
  record Entry(String scope, String text, String hash, boolean breaking) {

    String render(Optional<String> repositoryUrl) {
      String shortHash = hash.substring(0, Math.min(7, hash.length()));
      String reference =
          repositoryUrl
              .map(repo -> "[" + shortHash + "](" + repo + "/commit/" + hash + ")")
              .orElse(shortHash);
      String prefix = scope.isEmpty() ? "" : "**" + scope + ":** ";
      return "- " + (breaking ? "**BREAKING** " : "") + prefix + text + " (" + reference + ")";
    }
  }
}

/** One run of the bump over a repository. */
final class Release {

  private static final String CHANGELOG = "CHANGELOG.md";
  private static final Pattern REVISION = Pattern.compile("<revision>\\s*([^<]*?)\\s*</revision>");
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "<project\\.build\\.outputTimestamp>\\s*([^<]*?)\\s*</project\\.build\\.outputTimestamp>");
  private static final Pattern OWN_VERSION =
      Pattern.compile(
          "<artifactId>[^<]*</artifactId>\\s*(?:<!--.*?-->\\s*)*<version>([^<]*)</version>");
  private static final Pattern URL = Pattern.compile("<url>\\s*([^<]*?)\\s*</url>");
  private static final Pattern GITHUB_LIKE =
      Pattern.compile("^(https://[^/\\s]+/[^/\\s]+/[^/\\s]+?)(?:\\.git)?/?$");

  private final Options options;
  private final Path workingDirectory;

  Release(Options options, Path workingDirectory) {
    this.options = options;
    this.workingDirectory = workingDirectory;
  }

  void run() {
    Git git = new Git(workingDirectory);
    Git.Result top = git.tryRun("rev-parse", "--show-toplevel");
    if (top.exitCode() != 0) {
      throw new BumpException(
          workingDirectory
              + " is not inside a git repository; run this from a clone of comfy-agent");
    }
    Path root = Path.of(top.output().strip());
    git = new Git(root);
    if (!options.allowDirty()) {
      // Porcelain lines are "XY path": the status letters may be blank, so never strip them.
      List<String> paths =
          git.run("status", "--porcelain", "--untracked-files=no")
              .lines()
              .filter(line -> line.length() > 3)
              .map(line -> line.substring(3))
              .toList();
      if (!paths.isEmpty()) {
        throw new BumpException(
            "the working tree has uncommitted changes ("
                + String.join(", ", paths.subList(0, Math.min(10, paths.size())))
                + (paths.size() > 10 ? ", …" : "")
                + "); commit or stash them, or pass --allow-dirty");
      }
    }

    Path rootPom = root.resolve("pom.xml");
    String rootText = read(rootPom);
    Matcher revision = single(REVISION, rootText, "a <revision> property");
    Matcher ownVersion = OWN_VERSION.matcher(rootText);
    if (!ownVersion.find() || !ownVersion.group(1).strip().equals("${revision}")) {
      throw new BumpException(
          "pom.xml: the project's <version> must be ${revision} (CI-friendly versions, see"
              + " docs/release.md), so that the <revision> property is the one version to set");
    }
    String oldText = revision.group(1);
    Version oldVersion = Version.parse(oldText, "pom.xml <revision>");
    Version newVersion = oldVersion.bumped(options.bump());
    Version nextSnapshot =
        new Version(newVersion.major(), newVersion.minor(), newVersion.patch() + 1, "SNAPSHOT");
    String tag = "v" + newVersion;
    if (git.tryRun("rev-parse", "-q", "--verify", "refs/tags/" + tag).exitCode() == 0) {
      throw new BumpException(
          "tag "
              + tag
              + " already exists; "
              + oldVersion
              + " bumped by "
              + options.bump().word()
              + " gives a version that was already released");
    }

    LocalDate date = options.date().orElse(LocalDate.now(ZoneOffset.UTC));
    String timestamp =
        options.date().isPresent()
            ? date + "T00:00:00Z"
            : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    List<String> notes = new ArrayList<>();
    String releasedPom = replaceGroup(rootText, revision, newVersion.toString());
    Matcher stamp = TIMESTAMP.matcher(releasedPom);
    if (stamp.find()) {
      releasedPom = replaceGroup(releasedPom, stamp, timestamp);
    } else {
      notes.add("pom.xml has no project.build.outputTimestamp property; left as is");
    }
    String nextPom =
        replaceGroup(
            releasedPom,
            single(REVISION, releasedPom, "a <revision> property"),
            nextSnapshot.toString());

    Path changelogPath = root.resolve(CHANGELOG);
    if (!Files.exists(changelogPath)) {
      throw new BumpException(CHANGELOG + " not found in " + root);
    }
    Changelog changelog = new Changelog(read(changelogPath));
    Optional<String> previousTag = lastTag(git);
    CommitLog log = CommitLog.read(git, previousTag);
    Optional<String> repositoryUrl =
        changelog.repositoryUrlFromLinks().or(() -> repositoryUrl(rootText));
    String newChangelog =
        changelog.roll(newVersion.toString(), date, log.entries(), repositoryUrl, previousTag);
    Map<Path, String> changes = new LinkedHashMap<>();
    changes.put(rootPom, releasedPom);
    changes.put(changelogPath, newChangelog);

    report(root, oldVersion, newVersion, nextSnapshot, previousTag, log, changes, notes, date);
    if (options.dryRun()) {
      return;
    }
    write(changes);
    git.run("commit", "-q", "-m", "chore(release): " + tag, "--", "pom.xml", CHANGELOG);
    git.run("tag", "-a", tag, "-m", tag);
    write(Map.of(rootPom, nextPom));
    git.run("commit", "-q", "-m", "chore(release): start " + nextSnapshot, "--", "pom.xml");
    System.out.println();
    System.out.println(
        "Committed and tagged "
            + tag
            + ", then moved to "
            + nextSnapshot
            + ". Review (git show "
            + tag
            + "), then publish the release with one push:");
    System.out.println("  git push --atomic origin HEAD " + tag);
  }

  private static Matcher single(Pattern pattern, String text, String what) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new BumpException(
          "pom.xml has no " + what + " (CI-friendly versions, docs/release.md)");
    }
    int start = m.start();
    if (m.find()) {
      throw new BumpException("pom.xml has more than one " + what + "; keep one");
    }
    m.reset();
    m.find(start);
    return m;
  }

  private static String replaceGroup(String text, Matcher m, String value) {
    return text.substring(0, m.start(1)) + value + text.substring(m.end(1));
  }

  private static Optional<String> lastTag(Git git) {
    Git.Result result = git.tryRun("describe", "--tags", "--abbrev=0", "--match", "v[0-9]*");
    return result.exitCode() == 0 ? Optional.of(result.output().strip()) : Optional.empty();
  }

  private static Optional<String> repositoryUrl(String pomText) {
    Matcher url = URL.matcher(pomText);
    while (url.find()) {
      Matcher m = GITHUB_LIKE.matcher(url.group(1));
      if (m.matches()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  private void report(
      Path root,
      Version oldVersion,
      Version newVersion,
      Version nextSnapshot,
      Optional<String> previousTag,
      CommitLog log,
      Map<Path, String> changes,
      List<String> notes,
      LocalDate date) {
    System.out.println(
        (options.dryRun() ? "[dry run] " : "")
            + oldVersion
            + " -> "
            + newVersion
            + " ("
            + options.bump().word()
            + ", "
            + date
            + "), then "
            + nextSnapshot
            + "; "
            + log.conventional()
            + " conventional commits since "
            + previousTag.orElse("the first commit")
            + ", "
            + log.entryCount()
            + " changelog entries generated");
    for (Path path : changes.keySet()) {
      System.out.println(
          (options.dryRun() ? "  would update " : "  updated ") + root.relativize(path));
    }
    for (String note : notes) {
      System.out.println("  note: " + note);
    }
    if (!log.nonConventional().isEmpty()) {
      System.out.println(
          "  note: "
              + log.nonConventional().size()
              + " commits are not Conventional Commits and were left out:");
      log.nonConventional().forEach(c -> System.out.println("    " + c));
    }
    if (options.dryRun()) {
      System.out.println();
      System.out.println(sectionOf(changes.get(root.resolve(CHANGELOG)), newVersion.toString()));
    }
  }

  private static String sectionOf(String changelog, String version) {
    List<String> lines = changelog.lines().toList();
    StringBuilder out = new StringBuilder();
    boolean inside = false;
    for (String line : lines) {
      if (line.startsWith("## [" + version + "]")) {
        inside = true;
      } else if (inside && (line.startsWith("## ") || line.matches("^\\[[^\\]]+]:.*"))) {
        break;
      }
      if (inside) {
        out.append(line).append('\n');
      }
    }
    return out.toString().stripTrailing();
  }

  private static void write(Map<Path, String> changes) {
    Map<Path, Path> staged = new LinkedHashMap<>();
    try {
      for (Map.Entry<Path, String> change : changes.entrySet()) {
        Path target = change.getKey();
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".bump");
        staged.put(target, temp);
        Files.writeString(temp, change.getValue(), StandardCharsets.UTF_8);
      }
      for (Map.Entry<Path, Path> entry : staged.entrySet()) {
        try {
          Files.move(
              entry.getValue(),
              entry.getKey(),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(entry.getValue(), entry.getKey(), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      for (Path temp : staged.values()) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort: the original files were not replaced.
        }
      }
      throw new BumpException("cannot write " + e.getMessage());
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new BumpException(path.getFileName() + " not found at " + path);
    } catch (IOException e) {
      throw new BumpException("cannot read " + path + ": " + e.getMessage());
    }
  }
}

/** The commits since the last release, sorted into changelog sections. */
record CommitLog(
    Map<String, List<Changelog.Entry>> entries, int conventional, List<String> nonConventional) {

  private static final String FIELD = "\u001f";
  private static final String RECORD = "\u001e";

  static CommitLog read(Git git, Optional<String> previousTag) {
    String range = previousTag.map(t -> t + "..HEAD").orElse("HEAD");
    Git.Result result =
        git.tryRun(
            "log",
            "--no-merges",
            "--reverse",
            "--format=%H" + FIELD + "%s" + FIELD + "%b" + RECORD,
            range);
    if (result.exitCode() != 0) {
      if (previousTag.isEmpty() && result.error().contains("does not have any commits")) {
        return new CommitLog(Map.of(), 0, List.of());
      }
      throw new BumpException("git log " + range + " failed: " + result.error().strip());
    }
    Map<String, List<Changelog.Entry>> entries = new LinkedHashMap<>();
    List<String> others = new ArrayList<>();
    int conventional = 0;
    for (String record : result.output().split(RECORD)) {
      String trimmed = record.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] fields = trimmed.split(FIELD, -1);
      String hash = fields[0].strip();
      String subject = fields.length > 1 ? fields[1] : "";
      String body = fields.length > 2 ? fields[2] : "";
      Optional<ConventionalCommit> commit = ConventionalCommit.parse(hash, subject, body);
      if (commit.isEmpty()) {
        others.add(hash.substring(0, Math.min(7, hash.length())) + " " + subject.strip());
        continue;
      }
      conventional++;
      ConventionalCommit c = commit.get();
      c.breakingNote()
          .ifPresent(
              note ->
                  entries
                      .computeIfAbsent(Changelog.CHANGED, k -> new ArrayList<>())
                      .add(new Changelog.Entry(c.scope(), note, c.hash(), true)));
      c.section()
          .ifPresent(
              section ->
                  entries
                      .computeIfAbsent(section, k -> new ArrayList<>())
                      .add(new Changelog.Entry(c.scope(), c.description(), c.hash(), false)));
    }
    return new CommitLog(entries, conventional, others);
  }

  int entryCount() {
    return entries.values().stream().mapToInt(List::size).sum();
  }
}
