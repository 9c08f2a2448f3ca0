package dev.comfyagent.runtime.cli;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/**
 * Logback's {@link JsonEncoder} with the process's identity first on every line: {@code
 * "service.name":"agent-runtime","service.instance.id":"<host>-<pid>-<start>"} (OpenTelemetry's
 * resource attribute names, as the agent writes them), so that lines gathered from several
 * containers say which process wrote them, even where every process is pid 1.
 *
 * <p>Configured in {@code logback-serve.xml}: {@code <encoder class="...InstanceJsonEncoder">
 * <instanceId>${SERVICE_INSTANCE_ID}</instanceId> ...}.
 */
public class InstanceJsonEncoder extends JsonEncoder {

  private byte[] prefix = prefixFor("unknown");

  /** Sets the {@code service.instance.id} every line carries. */
  public void setInstanceId(String instanceId) {
    this.prefix = prefixFor(instanceId);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] line = super.encode(event);
    // JsonEncoder writes one object per line: the identity goes right after its opening brace.
    if (line.length < 2 || line[0] != '{') {
      return line;
    }
    boolean empty = line[1] == '}';
    byte[] out = new byte[prefix.length + (empty ? 0 : 1) + line.length - 1];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int at = prefix.length;
    if (!empty) {
      out[at++] = ',';
    }
    System.arraycopy(line, 1, out, at, line.length - 1);
    return out;
  }

  private static byte[] prefixFor(String instanceId) {
    return ("{\"service.name\":\""
            + RuntimeInstance.SERVICE_NAME
            + "\",\"service.instance.id\":\""
            + escape(instanceId)
            + "\"")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
