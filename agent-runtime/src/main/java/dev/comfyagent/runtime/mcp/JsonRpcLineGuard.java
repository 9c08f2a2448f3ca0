package dev.comfyagent.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between stdin and the SDK's stdio transport and lets only well-formed JSON-RPC lines
 * through.
 *
 * <p>Why: the SDK's {@code StdioServerTransportProvider} (2.1.0) ends the session, and with it the
 * server, on the first line it cannot parse, on an empty line, and on a line longer than its limit.
 * One stray line from a client would take the server down. This guard reads each line first:
 *
 * <ul>
 *   <li>a trailing {@code \r} (CRLF line ends, as Windows clients send) is dropped;
 *   <li>blank lines are skipped;
 *   <li>a line that is not JSON, not a JSON-RPC 2.0 message ({@code "jsonrpc": "1.0"} included), or
 *       a batch (which MCP no longer has) is answered with a JSON-RPC error ({@code -32700} parse
 *       error or {@code -32600} invalid request, with the request's id when it has one) on the
 *       protocol output and logged, and the server reads on;
 *   <li>a request whose {@code params} do not fit its method ({@code params} as an array, {@code
 *       tools/call} with {@code arguments} as a string, ...: {@link MethodParams}) is answered with
 *       {@code -32602} and a plain message naming the field, what was expected and what came; left
 *       to the SDK, it would be answered {@code -32603} with Jackson's internals;
 *   <li>a line over the size limit is skipped to its end and answered the same way, with the
 *       request's id when it can be read ({@link TopLevelIdScanner}), so the client does not wait
 *       for its own timeout.
 * </ul>
 *
 * <p>When stdin ends, the requests passed on are given up to 30 s to be answered (the SDK stops
 * writing as soon as it sees the end), then {@code onEnd} runs once and the server shuts down.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * InputStream in = new JsonRpcLineGuard(System.in, protocolOutput, mapper, mcpMapper, onEnd);
 * new StdioServerTransportProvider(mcpMapper, in, protocolOutput.forSdk());
 * }</pre>
 *
 * <p>Read by one thread at a time (the SDK's reader thread).
 */
public final class JsonRpcLineGuard extends InputStream {

  private static final Logger log = LoggerFactory.getLogger(JsonRpcLineGuard.class);

  /** Longest line accepted, in bytes; the SDK's own limit is 16 MiB. */
  public static final int MAX_LINE_BYTES = 16 * 1024 * 1024 - 1;

  /** How long requests still running may answer once stdin has ended. */
  static final Duration ANSWER_GRACE = Duration.ofSeconds(30);

  private final InputStream in;
  private final ProtocolOutput out;
  private final ObjectMapper json;
  private final McpJsonMapper mcpJson;
  private final Runnable onEnd;
  private final Duration answerGrace;
  private final int maxLineBytes;
  private final byte[] readBuffer = new byte[64 * 1024];
  private int readPos;
  private int readLimit;
  private byte[] line = new byte[0];
  private int linePos;
  private boolean ended;

  public JsonRpcLineGuard(
      InputStream in,
      ProtocolOutput out,
      ObjectMapper json,
      McpJsonMapper mcpJson,
      Runnable onEnd) {
    this(in, out, json, mcpJson, onEnd, ANSWER_GRACE, MAX_LINE_BYTES);
  }

  JsonRpcLineGuard(
      InputStream in,
      ProtocolOutput out,
      ObjectMapper json,
      McpJsonMapper mcpJson,
      Runnable onEnd,
      Duration answerGrace) {
    this(in, out, json, mcpJson, onEnd, answerGrace, MAX_LINE_BYTES);
  }

  /** A guard with a smaller line limit (tests). */
  JsonRpcLineGuard(
      InputStream in,
      ProtocolOutput out,
      ObjectMapper json,
      McpJsonMapper mcpJson,
      Runnable onEnd,
      Duration answerGrace,
      int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
    this.in = in;
    this.out = out;
    this.json = json;
    this.mcpJson = mcpJson;
    this.onEnd = onEnd;
    this.answerGrace = answerGrace;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return line[linePos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, line.length - linePos);
    System.arraycopy(line, linePos, b, off, n);
    linePos += n;
    return n;
  }

  @Override
  public int available() {
    return line.length - linePos;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Makes sure unread bytes of an accepted line are waiting; false at the end of input. */
  private boolean fill() throws IOException {
    while (linePos >= line.length) {
      if (ended) {
        return false;
      }
      byte[] next = nextAcceptedLine();
      if (next == null) {
        ended = true;
        awaitAnswers();
        log.info("stdin closed: the MCP client went away");
        onEnd.run();
        return false;
      }
      line = next;
      linePos = 0;
    }
    return true;
  }

  /** Lets the requests still running answer before the SDK sees the end of input. */
  private void awaitAnswers() {
    try {
      if (!out.inFlight().awaitAnswered(answerGrace)) {
        log.warn(
            "stdin closed with {} requests unanswered after {} ms; they are dropped",
            out.inFlight().size(),
            answerGrace.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The next line that passes, with its {@code \n}; null at the end of input. */
  private byte[] nextAcceptedLine() throws IOException {
    while (true) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream(256);
      TopLevelIdScanner tooLong = null;
      boolean sawNewline = false;
      int b;
      while ((b = nextByte()) != -1) {
        if (b == '\n') {
          sawNewline = true;
          break;
        }
        if (tooLong != null) {
          tooLong.write(b);
        } else if (raw.size() < maxLineBytes) {
          raw.write(b);
        } else {
          // Too long to keep: only look for its id from here on, in constant memory.
          tooLong = new TopLevelIdScanner();
          raw.writeTo(tooLong);
          raw = new ByteArrayOutputStream(0);
          tooLong.write(b);
        }
      }
      if (tooLong != null) {
        reject(
            idOf(tooLong.id()),
            -32600,
            "Invalid Request: the message is longer than " + maxLineBytes + " bytes");
        if (b == -1) {
          return null;
        }
        continue;
      }
      if (b == -1 && raw.size() == 0 && !sawNewline) {
        return null;
      }
      byte[] bytes = raw.toByteArray();
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
      if (text.isBlank()) {
        continue;
      }
      String problem = check(text);
      if (problem == null) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
      }
      if (b == -1) {
        // An unterminated last line: answer it, then end.
        return null;
      }
    }
  }

  /** Null when the line is a JSON-RPC message the SDK can take; otherwise answers it. */
  private String check(String text) throws IOException {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (IOException e) {
      String message =
          "Parse error: the line is not valid JSON (" + firstLine(e.getMessage()) + ")";
      reject(null, -32700, message);
      return message;
    }
    if (node == null || node.isArray()) {
      String message =
          node == null
              ? "Invalid Request: empty message"
              : "Invalid Request: JSON-RPC batches are not supported; send one message per line";
      reject(null, -32600, message);
      return message;
    }
    JsonNode id = node.isObject() ? node.get("id") : null;
    boolean request = id != null && node.has("method");
    JsonNode version = node.path("jsonrpc");
    if (node.isObject() && !"2.0".equals(version.textValue())) {
      String message =
          "Invalid Request: \"jsonrpc\" must be \"2.0\", got "
              + (version.isMissingNode() ? "nothing" : ArgumentCheck.describe(version));
      answerOrIgnore(id, node, -32600, message);
      return message;
    }
    try {
      McpSchema.deserializeJsonRpcMessage(mcpJson, text);
    } catch (IOException | RuntimeException e) {
      String message =
          "Invalid Request: not a JSON-RPC 2.0 message (" + firstLine(e.getMessage()) + ")";
      answerOrIgnore(id, node, -32600, message);
      return message;
    }
    String badParams = MethodParams.problem(json, node.path("method").asText(), node.get("params"));
    if (badParams != null) {
      String message = "Invalid params: " + badParams;
      answerOrIgnore(id, node, -32602, message);
      return message;
    }
    if (request) {
      out.inFlight().requestRead(id);
    }
    return null;
  }

  /** Answers a broken request; a broken notification gets no answer, as JSON-RPC says. */
  private void answerOrIgnore(JsonNode id, JsonNode node, int code, String message)
      throws IOException {
    if (id != null || !node.has("method")) {
      reject(id, code, message);
    } else {
      log.warn("ignored a notification on stdin: {}", message);
    }
  }

  /** The id read from an over-long line, or null when it had none that can be answered. */
  private JsonNode idOf(byte[] raw) {
    if (raw == null) {
      return null;
    }
    try {
      JsonNode id = json.readTree(raw);
      return id != null && (id.isTextual() || id.isNumber()) ? id : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void reject(JsonNode id, int code, String message) throws IOException {
    log.warn("rejected a line on stdin: {}", message);
    ObjectNode response = json.createObjectNode();
    response.put("jsonrpc", "2.0");
    if (id == null || !(id.isTextual() || id.isNumber())) {
      response.putNull("id");
    } else {
      response.set("id", id);
    }
    ObjectNode error = response.putObject("error");
    error.put("code", code);
    error.put("message", message);
    out.writeLine(json.writeValueAsString(response));
  }

  private int nextByte() throws IOException {
    if (readPos >= readLimit) {
      readLimit = in.read(readBuffer, 0, readBuffer.length);
      readPos = 0;
      if (readLimit <= 0) {
        readLimit = 0;
        return -1;
      }
    }
    return readBuffer[readPos++] & 0xFF;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no details";
    }
    int newline = message.indexOf('\n');
    String first = newline >= 0 ? message.substring(0, newline) : message;
    return first.length() > 200 ? first.substring(0, 200) + "..." : first;
  }
}
