package dev.comfyagent.runtime.session;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.files.AtomicFileWriter;
import dev.comfyagent.runtime.session.SessionFileException.Problem;
import dev.comfyagent.runtime.workflow.WorkflowState;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions on disk: one {@code <name>.json} per session in the sessions directory ({@code
 * SESSIONS_DIR}), holding a {@code schema_version}, the workflow, its base, its undo history (the
 * entries of {@link WorkflowState#snapshot()}, verbatim) and the notes.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SessionStore store = new SessionStore(Path.of("sessions"), Clock.systemUTC());
 * store.write(session.toStored("shot_010", clock.instant()));   // atomic
 * StoredSession back = store.read("shot_010");
 * }</pre>
 *
 * <p>Writes are atomic (see {@link AtomicFileWriter}): a crash mid-write leaves the previous file
 * whole. Every save holds the sessions directory's lock ({@link SessionDirectoryLock}, which also
 * keeps apart two runtimes sharing the directory) while it checks what is on disk and writes, so
 * that {@link #save} can promise: a new session is created only if none of that name exists, and a
 * session is replaced only if it is still the revision the caller expects. Each file records its
 * revision and who wrote it ({@code pid 4242 on render-box}). Temporary files left by a process
 * killed mid-save are removed when a store is created and before its first save: only files older
 * than a few seconds, found while holding the lock, which their writers would hold. A file that is
 * not valid JSON, or that a newer runtime wrote ({@code schema_version} above {@link
 * #SCHEMA_VERSION}), is reported with a clear error and never overwritten unless the caller asks
 * to. The directory is created on the first save, not before (MCP clients start servers in
 * unpredictable working directories).
 *
 * <p>Thread-safe, and safe across processes: writes are serialized by the directory's lock; reads
 * may run at any time and always see a whole file.
 */
public final class SessionStore {

  private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

  /** The schema version this runtime writes, and the highest it reads. */
  public static final int SCHEMA_VERSION = 1;

  /** Largest session file read, in bytes. */
  static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

  private static final String EXTENSION = ".json";

  /**
   * Temporary files younger than this are left alone by the sweep even under the lock, in case a
   * writer that does not take the lock (an older runtime) is still writing one.
   */
  static final Duration ORPHAN_MIN_AGE = Duration.ofSeconds(10);

  /** Who writes from this process: {@code pid 4242 on render-box}. */
  static final String WRITER = "pid " + ProcessHandle.current().pid() + " on " + hostName();

  private final Path directory;
  private final Clock clock;
  private final ObjectMapper json;
  private final ObjectWriter writer;
  private final SessionDirectoryLock lock;
  private final AtomicBoolean tempSwept = new AtomicBoolean();

  /** A store of {@code directory}; removes the orphaned temporary files already there. */
  public SessionStore(Path directory, Clock clock) {
    this.directory = directory.toAbsolutePath().normalize();
    this.clock = clock;
    this.json = new ObjectMapper();
    // Indented so a person can read a session file; the stream is closed by AtomicFileWriter.
    this.writer =
        json.writerWithDefaultPrettyPrinter().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    this.lock = SessionDirectoryLock.of(this.directory);
    try {
      // At start, only when no one is saving now; else before this store's first save.
      lock.tryRun(this::sweepOrphans).ifPresent(swept -> tempSwept.set(true));
    } catch (IOException e) {
      log.debug("could not sweep temporary files in {}: {}", directory, e.toString());
    }
  }

  /** The sessions directory, absolute. */
  public Path directory() {
    return directory;
  }

  /** The clock stamping saves. */
  public Clock clock() {
    return clock;
  }

  /**
   * The file of session {@code name}.
   *
   * @throws dev.comfyagent.runtime.tool.InvalidArgumentException when the name breaks {@link
   *     SessionNames}' rules
   */
  public Path fileOf(String name) {
    return directory.resolve(SessionNames.validate(name) + EXTENSION);
  }

  /** Whether a file for session {@code name} exists (readable or not). */
  public boolean exists(String name) {
    return Files.exists(fileOf(name));
  }

  /**
   * Reads session {@code name}.
   *
   * @throws SessionFileException when there is no such session ({@link Problem#NOT_FOUND}, naming
   *     the sessions there are), the file is not a session ({@link Problem#CORRUPT}), a newer
   *     runtime wrote it ({@link Problem#NEWER_SCHEMA}) or it cannot be read ({@link Problem#IO})
   */
  public StoredSession read(String name) {
    Path file = fileOf(name);
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new SessionFileException(
            Problem.CORRUPT,
            file + " is " + size + " bytes, more than a session file can be; it was not read");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      List<String> names = names();
      throw new SessionFileException(
          Problem.NOT_FOUND,
          "no saved session named '"
              + name
              + "' in "
              + directory
              + (names.isEmpty()
                  ? " (there are no saved sessions yet)"
                  : "; saved sessions: " + String.join(", ", names)));
    } catch (IOException e) {
      throw new SessionFileException(Problem.IO, "cannot read " + file + ": " + describe(e), e);
    }
    return parse(name, file, bytes);
  }

  /**
   * Writes a session atomically, replacing the file of the same name whatever it holds.
   *
   * @return the session as written, with its new revision
   * @throws SessionFileException ({@link Problem#IO}) when it cannot be written; the previous file,
   *     if any, is then unchanged
   */
  public StoredSession write(StoredSession session) {
    return save(session, Expectation.ANYTHING);
  }

  /**
   * Writes a session atomically if the file on disk is what {@code expected} says, deciding and
   * writing under the directory's lock: two saves, in this process or another, never both pass.
   *
   * @return the session as written, with its new revision and this process as its writer
   * @throws SessionConflictException when the file is not what was expected (it exists though a new
   *     session was expected, or another save replaced the expected revision); nothing is written
   * @throws SessionFileException when the existing file cannot be read (and something else than
   *     {@link Expectation#ANYTHING} was expected), or the new one cannot be written; the previous
   *     file is then unchanged
   */
  public StoredSession save(StoredSession session, Expectation expected) {
    Path file = fileOf(session.name());
    StoredSession written = session.written(UUID.randomUUID().toString(), WRITER);
    ObjectNode content = toJson(written);
    try {
      lock.run(
          () -> {
            if (tempSwept.compareAndSet(false, true)) {
              sweepOrphans();
            }
            boolean exists = Files.exists(file);
            if (exists && expected.kind() != Expectation.Kind.ANYTHING) {
              StoredSession onDisk = read(session.name());
              if (expected.kind() == Expectation.Kind.NEW
                  || !onDisk.revision().equals(expected.revision())) {
                throw new SessionConflictException(onDisk, expected);
              }
            }
            // Streamed into the temporary file: no second copy of a large workflow in memory.
            // Without overwrite, the final rename fails rather than replace a file that appeared.
            AtomicFileWriter.write(
                file,
                out -> writer.writeValue(out, content),
                exists || expected.kind() == Expectation.Kind.ANYTHING);
            return null;
          });
    } catch (IOException e) {
      throw new SessionFileException(
          Problem.IO,
          "cannot save session '"
              + session.name()
              + "' to "
              + file
              + ": "
              + describe(e)
              + "; set SESSIONS_DIR to a writable directory. Any previous file is unchanged.",
          e);
    }
    log.info("saved session '{}' to {} (revision {})", session.name(), file, written.revision());
    return written;
  }

  /**
   * What a save expects to find on disk.
   *
   * @param kind nothing, any file, or one revision
   * @param revision the revision expected, for {@link Kind#REVISION}
   */
  public record Expectation(Kind kind, String revision) {

    /** No file of that name: a new session. */
    public static final Expectation NEW_SESSION = new Expectation(Kind.NEW, null);

    /** Whatever is there is replaced ({@code overwrite: true}). */
    public static final Expectation ANYTHING = new Expectation(Kind.ANYTHING, null);

    /** The file as this revision, or no file (it was deleted meanwhile). */
    public static Expectation revision(String revision) {
      return new Expectation(Kind.REVISION, java.util.Objects.requireNonNull(revision));
    }

    /** The kinds of expectation. */
    public enum Kind {
      NEW,
      REVISION,
      ANYTHING
    }
  }

  /**
   * Every session file, most recently saved first; a file that cannot be read is listed with its
   * problem rather than failing the whole list.
   */
  public List<Listing> list() {
    List<Listing> listings = new ArrayList<>();
    for (String name : names()) {
      Path file = directory.resolve(name + EXTENSION);
      try {
        listings.add(new Listing(name, file, Optional.of(read(name)), null));
      } catch (SessionFileException e) {
        listings.add(new Listing(name, file, Optional.empty(), e.getMessage()));
      }
    }
    listings.sort(
        Comparator.comparing(
                (Listing l) -> l.session().map(StoredSession::updated).orElse(Instant.MIN))
            .reversed()
            .thenComparing(Listing::name));
    return listings;
  }

  /** Names of the session files, sorted; files that are not valid session names are ignored. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return names;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + EXTENSION)) {
      for (Path file : files) {
        String fileName = String.valueOf(file.getFileName());
        String name = fileName.substring(0, fileName.length() - EXTENSION.length());
        if (!AtomicFileWriter.isTemporary(fileName) && isValidName(name)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new SessionFileException(
          Problem.IO, "cannot list the sessions in " + directory + ": " + describe(e), e);
    }
    names.sort(String.CASE_INSENSITIVE_ORDER);
    return names;
  }

  /**
   * One file of {@link #list()}.
   *
   * @param name the session's name
   * @param file where it is
   * @param session its content, empty when it cannot be read
   * @param problem why it cannot be read, or {@code null}
   */
  public record Listing(String name, Path file, Optional<StoredSession> session, String problem) {}

  private StoredSession parse(String name, Path file, byte[] bytes) {
    JsonNode root;
    try {
      root = json.readTree(bytes);
    } catch (IOException e) {
      String where =
          e instanceof JsonProcessingException jpe && jpe.getLocation() != null
              ? " (line "
                  + jpe.getLocation().getLineNr()
                  + ", column "
                  + jpe.getLocation().getColumnNr()
                  + ")"
              : "";
      throw corrupt(file, "is not valid JSON" + where + ": " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw corrupt(file, "is not a JSON object");
    }
    JsonNode version = root.get("schema_version");
    if (version == null || !version.isIntegralNumber()) {
      throw corrupt(file, "has no schema_version, so it is not a comfy-agent session file");
    }
    if (version.asLong() > SCHEMA_VERSION) {
      throw new SessionFileException(
          Problem.NEWER_SCHEMA,
          file
              + " was written by a newer comfy-agent (schema_version "
              + version.asLong()
              + "; this runtime reads up to "
              + SCHEMA_VERSION
              + "); update the runtime to load it. The file was left as it is.");
    }
    if (version.asLong() < 1) {
      throw corrupt(file, "has schema_version " + version.asLong() + ", which never existed");
    }
    Instant created = instant(root, "created", file);
    Instant updated = instant(root, "updated", file);
    ObjectNode current = objectOrNull(root, "workflow", file);
    ObjectNode base = objectOrNull(root, "base", file);
    List<ObjectNode> undo = new ArrayList<>();
    JsonNode undoJson = root.path("undo");
    if (!undoJson.isMissingNode() && !undoJson.isNull()) {
      if (!undoJson.isArray()) {
        throw corrupt(file, "has an 'undo' that is not a list");
      }
      for (int i = 0; i < undoJson.size(); i++) {
        if (!undoJson.get(i).isObject()) {
          throw corrupt(file, "has undo entry " + i + " that is not an object");
        }
        undo.add((ObjectNode) undoJson.get(i));
      }
    }
    List<SessionNote> notes = new ArrayList<>();
    JsonNode notesJson = root.path("notes");
    if (!notesJson.isMissingNode() && !notesJson.isNull()) {
      if (!notesJson.isArray()) {
        throw corrupt(file, "has 'notes' that are not a list");
      }
      for (int i = 0; i < notesJson.size(); i++) {
        JsonNode note = notesJson.get(i);
        if (!note.path("text").isTextual()) {
          throw corrupt(file, "has note " + i + " without text");
        }
        notes.add(new SessionNote(instant(note, "at", file), note.get("text").asText()));
      }
    }
    // Files from before revisions existed are told apart by their save time.
    String revision =
        root.path("revision").isTextual() ? root.get("revision").asText() : "updated:" + updated;
    String savedBy =
        root.path("saved_by_process").isTextual() ? root.get("saved_by_process").asText() : null;
    return new StoredSession(
        name,
        created,
        updated,
        new WorkflowState.Snapshot(current, base, undo),
        notes,
        revision,
        savedBy);
  }

  private ObjectNode toJson(StoredSession session) {
    ObjectNode root = json.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("name", session.name());
    root.put("created", session.created().toString());
    root.put("updated", session.updated().toString());
    root.put("saved_by", "comfy-agent");
    root.put("saved_by_process", session.savedBy());
    root.put("revision", session.revision());
    WorkflowState.Snapshot snapshot = session.snapshot();
    root.set("workflow", snapshot.current());
    root.set("base", snapshot.base());
    ArrayNode undo = root.putArray("undo");
    snapshot.undo().forEach(undo::add);
    ArrayNode notes = root.putArray("notes");
    for (SessionNote note : session.notes()) {
      ObjectNode n = notes.addObject();
      n.put("at", note.at().toString());
      n.put("text", note.text());
    }
    return root;
  }

  /**
   * Removes the temporary files of saves whose process died. Runs holding the directory's lock, so
   * no writer that takes it can be using one; files younger than {@link #ORPHAN_MIN_AGE} are kept
   * all the same. Only temporary files of session files are looked at.
   */
  private Boolean sweepOrphans() {
    if (!Files.isDirectory(directory)) {
      return Boolean.TRUE;
    }
    Instant cutoff = clock.instant().minus(ORPHAN_MIN_AGE);
    long removed = 0;
    long bytes = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*.tmp")) {
      for (Path file : files) {
        String fileName = String.valueOf(file.getFileName());
        if (!isSessionTemporary(fileName)) {
          continue;
        }
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.toInstant().isBefore(cutoff)) {
          long size = Files.size(file);
          if (Files.deleteIfExists(file)) {
            removed++;
            bytes += size;
          }
        }
      }
    } catch (IOException e) {
      log.debug("could not sweep temporary files in {}: {}", directory, e.toString());
    }
    if (removed > 0) {
      log.info(
          "removed {} temporary files ({} bytes) in {}, left by saves whose process died",
          removed,
          bytes,
          directory);
    }
    return Boolean.TRUE;
  }

  /** {@code .<session name>.json.<random>.tmp}: a temporary file of {@link AtomicFileWriter}. */
  private static boolean isSessionTemporary(String fileName) {
    if (!AtomicFileWriter.isTemporary(fileName)) {
      return false;
    }
    String inner = fileName.substring(1, fileName.length() - ".tmp".length());
    int dot = inner.lastIndexOf('.');
    if (dot <= 0) {
      return false;
    }
    String target = inner.substring(0, dot);
    return target.endsWith(EXTENSION)
        && isValidName(target.substring(0, target.length() - EXTENSION.length()));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      String fromEnv = System.getenv("HOSTNAME");
      return fromEnv == null || fromEnv.isBlank() ? "an unknown host" : fromEnv;
    }
  }

  private static boolean isValidName(String name) {
    try {
      SessionNames.validate(name);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Instant instant(JsonNode parent, String field, Path file) {
    JsonNode value = parent.get(field);
    if (value == null || !value.isTextual()) {
      throw corrupt(file, "has no '" + field + "' timestamp");
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      throw corrupt(file, "has a '" + field + "' that is not an ISO-8601 instant: " + value);
    }
  }

  private static ObjectNode objectOrNull(JsonNode root, String field, Path file) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw corrupt(file, "has a '" + field + "' that is not a workflow object");
    }
    return (ObjectNode) value;
  }

  private static SessionFileException corrupt(Path file, String what) {
    return new SessionFileException(
        Problem.CORRUPT, file + " " + what + "; the file was left as it is");
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (e instanceof NoSuchFileException missing) {
      return "no such file or directory: " + missing.getFile();
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason() + " (" + fs.getFile() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline >= 0 ? message.substring(0, newline) : message;
  }
}
