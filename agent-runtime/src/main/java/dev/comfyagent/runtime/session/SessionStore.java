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
 * whole. A file that is not valid JSON, or that a newer runtime wrote ({@code schema_version} above
 * {@link #SCHEMA_VERSION}), is reported with a clear error and never overwritten unless the caller
 * asks to. The directory is created on the first save, not before (MCP clients start servers in
 * unpredictable working directories).
 *
 * <p>Thread-safe: writes of the store are serialized; reads may run at any time and always see a
 * whole file.
 */
public final class SessionStore {

  private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

  /** The schema version this runtime writes, and the highest it reads. */
  public static final int SCHEMA_VERSION = 1;

  /** Largest session file read, in bytes. */
  static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

  private static final String EXTENSION = ".json";
  private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  private final Path directory;
  private final Clock clock;
  private final ObjectMapper json;
  private final ObjectWriter writer;
  private final Object writeLock = new Object();
  private final AtomicBoolean tempSwept = new AtomicBoolean();

  public SessionStore(Path directory, Clock clock) {
    this.directory = directory.toAbsolutePath().normalize();
    this.clock = clock;
    this.json = new ObjectMapper();
    // Indented so a person can read a session file; the stream is closed by AtomicFileWriter.
    this.writer =
        json.writerWithDefaultPrettyPrinter().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
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
   * Writes a session atomically, replacing the file of the same name.
   *
   * @throws SessionFileException ({@link Problem#IO}) when it cannot be written; the previous file,
   *     if any, is then unchanged
   */
  public void write(StoredSession session) {
    Path file = fileOf(session.name());
    ObjectNode content = toJson(session);
    synchronized (writeLock) {
      sweepStaleTemporaries();
      try {
        // Streamed into the temporary file: no second copy of a large workflow in memory.
        AtomicFileWriter.write(file, out -> writer.writeValue(out, content), true);
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
    }
    log.info("saved session '{}' to {}", session.name(), file);
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
    return new StoredSession(
        name, created, updated, new WorkflowState.Snapshot(current, base, undo), notes);
  }

  private ObjectNode toJson(StoredSession session) {
    ObjectNode root = json.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("name", session.name());
    root.put("created", session.created().toString());
    root.put("updated", session.updated().toString());
    root.put("saved_by", "comfy-agent");
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

  private void sweepStaleTemporaries() {
    if (!tempSwept.compareAndSet(false, true) || !Files.isDirectory(directory)) {
      return;
    }
    // A process killed mid-save leaves its temporary file; those older than an hour are no one's.
    Instant cutoff = clock.instant().minus(STALE_TEMP_AGE);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, ".*.tmp")) {
      for (Path file : files) {
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(file);
          log.info("removed {}, left by a save that was interrupted", file);
        }
      }
    } catch (IOException e) {
      log.debug("could not sweep temporary files in {}: {}", directory, e.toString());
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
