package dev.comfyagent.runtime.workflow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON settings under which workflows are read and written, so that every number survives a
 * load, a patch and a save exactly as ComfyUI wrote it.
 *
 * <p>Why: ComfyUI's seeds go up to 2^64 - 1 and its floats are Python floats printed in shortest
 * form. Integers beyond a {@code long} are kept as {@link java.math.BigInteger}; decimals are read
 * as {@link java.math.BigDecimal} with their trailing zeros, so {@code 7.0} stays {@code 7.0} (not
 * {@code 7}) and {@code 0.1} is never rounded through a {@code double}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * JsonNode doc = WorkflowJson.parse(text, "portrait.json"); // errors name line and column
 * String out = WorkflowJson.pretty(workflow.apiJson());
 * }</pre>
 *
 * <p>Thread-safe. Session files that store workflows should be read and written with {@link
 * #mapper()} for the same exactness.
 */
public final class WorkflowJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private WorkflowJson() {}

  /**
   * A mapper configured like the one this class uses (exact numbers, pretty-printing writer): a
   * fresh copy on every call, so a caller that reconfigures it cannot change how workflows are read
   * elsewhere. Call it once and keep the result.
   */
  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  /**
   * Parses one JSON document.
   *
   * @param source what the text is, for the message ({@code "portrait.json"}, {@code "argument
   *     'workflow'"})
   * @throws WorkflowFormatException for malformed JSON, naming line and column
   */
  public static JsonNode parse(String text, String source) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new WorkflowFormatException(source + " is empty; expected a JSON document");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw malformed(source, e);
    }
  }

  /**
   * Parses one JSON document from bytes (UTF-8, UTF-16 or UTF-32, detected).
   *
   * @throws WorkflowFormatException for malformed JSON, naming line and column
   */
  public static JsonNode parse(byte[] bytes, String source) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new WorkflowFormatException(source + " is empty; expected a JSON document");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw malformed(source, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a file's bytes (UTF-8, UTF-16 or UTF-32, detected) when the file may be anything: an
   * error says where the JSON breaks and never quotes what the file holds, since the message goes
   * back to the assistant and a path under the workflow folders may name any file ({@code
   * notes.txt}, a key file). {@link #parse(byte[], String)} quotes the parser's detail instead.
   *
   * @param source the file as the user named it
   * @throws WorkflowFormatException naming the file, the line and column, and nothing of its
   *     content
   */
  public static JsonNode parseFile(byte[] bytes, String source) {
    try {
      return parse(bytes, source);
    } catch (WorkflowFormatException e) {
      if (!(e.getCause() instanceof JsonProcessingException parse)) {
        throw e; // empty: the message quotes nothing
      }
      JsonLocation at = parse.getLocation();
      String where =
          at == null || at.getLineNr() < 0
              ? ""
              : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new WorkflowFormatException(
          "malformed JSON in "
              + source
              + where
              + ": the file is not JSON, so it is not a workflow (ComfyUI saves workflows as"
              + " .json files: Save, or Export (API))");
    }
  }

  /** Pretty-printed JSON (two-space indent), numbers exactly as held. */
  public static String pretty(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** Compact JSON on one line, numbers exactly as held. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static WorkflowFormatException malformed(String source, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 0
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new WorkflowFormatException(
        "malformed JSON in " + source + where + ": " + e.getOriginalMessage(), e);
  }
}
