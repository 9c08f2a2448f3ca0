/*
 * Bumps the version of comfy-agent and rolls CHANGELOG.md for a release.
 *
 * Usage (from anywhere inside a clone; Java 17+, no build needed):
 *
 *   java scripts/BumpVersion.java major|minor|patch [--dry-run] [--allow-dirty] [--date YYYY-MM-DD]
 *
 * What it does, all or nothing:
 *   1. Computes the release version from the root pom's <version> (semver rules: a pre-release such
 *      as 0.2.0-SNAPSHOT is released as the version it leads to, so "minor" on 0.2.0-SNAPSHOT gives
 *      0.2.0, "minor" on 0.2.0 gives 0.3.0).
 *   2. Sets that version in the root pom's <version> and in the <parent><version> of every module
 *      (recursively through <modules>); a module's own <version> only where it equals the old one.
 *      Nothing else is touched: a dependency that happens to carry the same version keeps it.
 *   3. Sets project.build.outputTimestamp (reproducible builds) to the release instant.
 *   4. Rolls the [Unreleased] section of CHANGELOG.md (Keep a Changelog) into
 *      "## [x.y.z] - YYYY-MM-DD", merging what [Unreleased] already says with entries generated from
 *      the Conventional Commits since the last v* tag: feat -> Added, fix -> Fixed,
 *      perf/refactor -> Changed, "!" or a BREAKING CHANGE footer -> Breaking; docs, test, build,
 *      ci, chore, style and non-conventional commits are left out (and the latter are listed).
 *      The compare links at the bottom are updated.
 *
 * It commits and tags nothing: it prints the git commands to review and run (see docs/release.md).
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

/**
 * The element spans of an XML document, found by a small scanner that keeps the text exactly as it
 * is (a DOM round trip would reformat the pom). Handles comments, CDATA, processing instructions,
 * DOCTYPE and quoted attribute values; element paths are slash-joined local names from the root
 * ("project/parent/version").
 */
final class XmlSpans {

  /** One element: its path and the span of its content (between the start and end tags). */
  record Element(String path, int contentStart, int contentEnd) {}

  private final List<Element> elements;

  private XmlSpans(List<Element> elements) {
    this.elements = elements;
  }

  static XmlSpans scan(String xml, String fileName) {
    List<Element> found = new ArrayList<>();
    Deque<String> names = new ArrayDeque<>();
    Deque<Integer> starts = new ArrayDeque<>();
    int i = 0;
    while (true) {
      int lt = xml.indexOf('<', i);
      if (lt < 0) {
        break;
      }
      if (xml.startsWith("<!--", lt)) {
        i = endOf(xml, "-->", lt + 4, fileName, "comment");
      } else if (xml.startsWith("<![CDATA[", lt)) {
        i = endOf(xml, "]]>", lt + 9, fileName, "CDATA section");
      } else if (xml.startsWith("<?", lt)) {
        i = endOf(xml, "?>", lt + 2, fileName, "processing instruction");
      } else if (xml.startsWith("<!", lt)) {
        i = skipDeclaration(xml, lt, fileName);
      } else {
        int gt = tagEnd(xml, lt, fileName);
        String tag = xml.substring(lt + 1, gt).strip();
        if (tag.startsWith("/")) {
          String name = tag.substring(1).strip();
          if (names.isEmpty() || !names.peek().equals(name)) {
            throw new BumpException(
                fileName + ": closing tag </" + name + "> does not match the open element");
          }
          String path = path(names);
          names.pop();
          found.add(new Element(path, starts.pop(), lt));
        } else {
          boolean selfClosing = tag.endsWith("/");
          String name = tag.split("[\\s/]", 2)[0];
          if (!selfClosing) {
            names.push(name);
            starts.push(gt + 1);
          }
        }
        i = gt + 1;
      }
    }
    if (!names.isEmpty()) {
      throw new BumpException(fileName + ": element <" + names.peek() + "> is never closed");
    }
    return new XmlSpans(found);
  }

  /** The first element at that path. */
  Optional<Element> first(String path) {
    return elements.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  /** Every element at that path, in document order. */
  List<Element> all(String path) {
    return elements.stream()
        .filter(e -> e.path().equals(path))
        .sorted((a, b) -> Integer.compare(a.contentStart(), b.contentStart()))
        .toList();
  }

  private static String path(Deque<String> names) {
    List<String> ordered = new ArrayList<>(names);
    java.util.Collections.reverse(ordered);
    return String.join("/", ordered);
  }

  private static int endOf(String xml, String terminator, int from, String fileName, String what) {
    int end = xml.indexOf(terminator, from);
    if (end < 0) {
      throw new BumpException(fileName + ": unterminated " + what);
    }
    return end + terminator.length();
  }

  private static int skipDeclaration(String xml, int lt, String fileName) {
    int depth = 0;
    for (int i = lt + 2; i < xml.length(); i++) {
      char c = xml.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (c == '>' && depth <= 0) {
        return i + 1;
      }
    }
    throw new BumpException(fileName + ": unterminated <! declaration");
  }

  private static int tagEnd(String xml, int lt, String fileName) {
    char quote = 0;
    for (int i = lt + 1; i < xml.length(); i++) {
      char c = xml.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      }
    }
    throw new BumpException(fileName + ": unterminated tag at offset " + lt);
  }
}

/** Text replacements on one file, applied from the end so that earlier offsets stay valid. */
final class Edits {

  private record Edit(int start, int end, String text) {}

  private final List<Edit> edits = new ArrayList<>();

  void replace(int start, int end, String text) {
    edits.add(new Edit(start, end, text));
  }

  boolean isEmpty() {
    return edits.isEmpty();
  }

  String applyTo(String original) {
    StringBuilder out = new StringBuilder(original);
    edits.stream()
        .sorted((a, b) -> Integer.compare(b.start(), a.start()))
        .forEach(e -> out.replace(e.start(), e.end(), e.text()));
    return out.toString();
  }
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
      case "perf", "refactor" -> Optional.of(Changelog.CHANGED);
      default -> Optional.empty();
    };
  }
}

/**
 * CHANGELOG.md in Keep a Changelog form: finds [Unreleased], merges generated entries into it, and
 * rolls it into a dated release section with updated compare links.
 */
final class Changelog {

  static final String BREAKING = "Breaking";
  static final String ADDED = "Added";
  static final String CHANGED = "Changed";
  static final String DEPRECATED = "Deprecated";
  static final String REMOVED = "Removed";
  static final String FIXED = "Fixed";
  static final String SECURITY = "Security";
  private static final List<String> ORDER =
      List.of(BREAKING, ADDED, CHANGED, DEPRECATED, REMOVED, FIXED, SECURITY);

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
  record Entry(String scope, String text, String hash) {

    String render(Optional<String> repositoryUrl) {
      String shortHash = hash.substring(0, Math.min(7, hash.length()));
      String reference =
          repositoryUrl
              .map(repo -> "[" + shortHash + "](" + repo + "/commit/" + hash + ")")
              .orElse(shortHash);
      String prefix = scope.isEmpty() ? "" : "**" + scope + ":** ";
      return "- " + prefix + text + " (" + reference + ")";
    }
  }
}

/** One run of the bump over a repository. */
final class Release {

  private static final String CHANGELOG = "CHANGELOG.md";
  private static final String TIMESTAMP_PATH = "project/properties/project.build.outputTimestamp";
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
    XmlSpans rootSpans = XmlSpans.scan(rootText, "pom.xml");
    XmlSpans.Element versionElement =
        rootSpans
            .first("project/version")
            .orElseThrow(() -> new BumpException("pom.xml has no <version> of its own"));
    String oldText = text(rootText, versionElement);
    Version oldVersion = Version.parse(oldText, "pom.xml <version>");
    Version newVersion = oldVersion.bumped(options.bump());
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

    Map<Path, String> changes = new LinkedHashMap<>();
    String groupId = text(rootText, rootSpans.first("project/groupId").orElse(null));
    String artifactId = text(rootText, rootSpans.first("project/artifactId").orElse(null));

    Edits rootEdits = new Edits();
    replaceTrimmed(rootEdits, rootText, versionElement, newVersion.toString());
    Optional<XmlSpans.Element> timestampElement = rootSpans.first(TIMESTAMP_PATH);
    timestampElement.ifPresent(e -> replaceTrimmed(rootEdits, rootText, e, timestamp));
    changes.put(rootPom, rootEdits.applyTo(rootText));
    List<String> notes = new ArrayList<>();
    if (timestampElement.isEmpty()) {
      notes.add("pom.xml has no project.build.outputTimestamp property; left as is");
    }
    Set<String> reactor = new HashSet<>();
    reactor.add(groupId + ":" + artifactId);
    bumpModules(root, root, rootSpans, rootText, reactor, oldText, newVersion, changes, notes);

    Path changelogPath = root.resolve(CHANGELOG);
    if (!Files.exists(changelogPath)) {
      throw new BumpException(CHANGELOG + " not found in " + root);
    }
    Changelog changelog = new Changelog(read(changelogPath));
    Optional<String> previousTag = lastTag(git);
    CommitLog log = CommitLog.read(git, previousTag);
    Optional<String> repositoryUrl =
        changelog.repositoryUrlFromLinks().or(() -> repositoryUrl(rootText, rootSpans));
    String newChangelog =
        changelog.roll(newVersion.toString(), date, log.entries(), repositoryUrl, previousTag);
    changes.put(changelogPath, newChangelog);

    report(root, oldVersion, newVersion, previousTag, log, changes, notes, date);
    if (!options.dryRun()) {
      write(changes);
    }
  }

  private void bumpModules(
      Path root,
      Path directory,
      XmlSpans spans,
      String text,
      Set<String> reactor,
      String oldVersion,
      Version newVersion,
      Map<Path, String> changes,
      List<String> notes) {
    for (XmlSpans.Element module : spans.all("project/modules/module")) {
      String name = text(text, module);
      Path moduleDirectory = directory.resolve(name).normalize();
      Path pom =
          Files.isDirectory(moduleDirectory) ? moduleDirectory.resolve("pom.xml") : moduleDirectory;
      String where = root.relativize(pom).toString().replace('\\', '/');
      if (!Files.isRegularFile(pom)) {
        throw new BumpException("module '" + name + "' is listed but " + where + " does not exist");
      }
      String moduleText = read(pom);
      XmlSpans moduleSpans = XmlSpans.scan(moduleText, where);
      Edits edits = new Edits();
      Optional<XmlSpans.Element> parentVersion = moduleSpans.first("project/parent/version");
      String parentGroup =
          text(moduleText, moduleSpans.first("project/parent/groupId").orElse(null));
      String parentArtifact =
          text(moduleText, moduleSpans.first("project/parent/artifactId").orElse(null));
      String ownGroup = text(moduleText, moduleSpans.first("project/groupId").orElse(null));
      String ownArtifact = text(moduleText, moduleSpans.first("project/artifactId").orElse(null));
      reactor.add((ownGroup.isEmpty() ? parentGroup : ownGroup) + ":" + ownArtifact);
      if (parentVersion.isPresent() && reactor.contains(parentGroup + ":" + parentArtifact)) {
        String current = text(moduleText, parentVersion.get());
        if (!current.equals(oldVersion)) {
          throw new BumpException(
              where
                  + ": <parent><version> is "
                  + current
                  + " but the root pom is at "
                  + oldVersion
                  + "; align it first");
        }
        replaceTrimmed(edits, moduleText, parentVersion.get(), newVersion.toString());
      } else {
        notes.add(where + " does not inherit from a pom of this build; its parent was left as is");
      }
      Optional<XmlSpans.Element> ownVersion = moduleSpans.first("project/version");
      if (ownVersion.isPresent()) {
        if (text(moduleText, ownVersion.get()).equals(oldVersion)) {
          replaceTrimmed(edits, moduleText, ownVersion.get(), newVersion.toString());
        } else {
          notes.add(where + " has its own <version>; left as is");
        }
      }
      if (!edits.isEmpty()) {
        changes.put(pom, edits.applyTo(moduleText));
      }
      bumpModules(
          root,
          pom.getParent(),
          moduleSpans,
          moduleText,
          reactor,
          oldVersion,
          newVersion,
          changes,
          notes);
    }
  }

  private static Optional<String> lastTag(Git git) {
    Git.Result result = git.tryRun("describe", "--tags", "--abbrev=0", "--match", "v[0-9]*");
    return result.exitCode() == 0 ? Optional.of(result.output().strip()) : Optional.empty();
  }

  private static Optional<String> repositoryUrl(String pomText, XmlSpans spans) {
    for (String path : List.of("project/scm/url", "project/url")) {
      Optional<XmlSpans.Element> element = spans.first(path);
      if (element.isPresent()) {
        Matcher m = GITHUB_LIKE.matcher(text(pomText, element.get()));
        if (m.matches()) {
          return Optional.of(m.group(1));
        }
      }
    }
    return Optional.empty();
  }

  private void report(
      Path root,
      Version oldVersion,
      Version newVersion,
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
            + "), "
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
    } else {
      String tag = "v" + newVersion;
      System.out.println();
      System.out.println("Review the changes (git diff), then:");
      System.out.println("  git commit -am \"chore(release): " + tag + "\"");
      System.out.println("  git tag -a " + tag + " -m \"" + tag + "\"");
      System.out.println("  git push --follow-tags");
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

  private static void replaceTrimmed(
      Edits edits, String text, XmlSpans.Element element, String value) {
    String content = text.substring(element.contentStart(), element.contentEnd());
    int lead = content.length() - content.stripLeading().length();
    int trail = content.length() - content.stripTrailing().length();
    edits.replace(element.contentStart() + lead, element.contentEnd() - trail, value);
  }

  private static String text(String source, XmlSpans.Element element) {
    return element == null
        ? ""
        : source.substring(element.contentStart(), element.contentEnd()).strip();
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
                      .computeIfAbsent(Changelog.BREAKING, k -> new ArrayList<>())
                      .add(new Changelog.Entry(c.scope(), note, c.hash())));
      c.section()
          .ifPresent(
              section ->
                  entries
                      .computeIfAbsent(section, k -> new ArrayList<>())
                      .add(new Changelog.Entry(c.scope(), c.description(), c.hash())));
    }
    return new CommitLog(entries, conventional, others);
  }

  int entryCount() {
    return entries.values().stream().mapToInt(List::size).sum();
  }
}
