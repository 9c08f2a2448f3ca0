package dev.comfyagent.instrument.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Who writes a line: one identity per agent run, carried by every metrics line, trace line and
 * HdrHistogram log, under the OpenTelemetry resource attribute names so that an exporter can reuse
 * it as is.
 *
 * <ul>
 *   <li>{@code service.name}: option {@code service.name}; else the main jar's file name without
 *       its version ({@code agent-runtime-0.1.0.jar} gives {@code agent-runtime}); else the main
 *       class's simple name; else {@code unknown_service:java} (OpenTelemetry's default).
 *   <li>{@code service.instance.id}: {@code <host>-<pid>-<start>}, the start being when the agent
 *       started, UTC to the millisecond ({@code 20261125T101530123Z}). Unique even among containers
 *       that all run as pid 1 with the same image, because their host names (container ids) differ,
 *       and among restarts of one container, because the start differs.
 *   <li>{@code telemetry.distro.version}: the agent's version.
 * </ul>
 *
 * <p>The host name is read without a network lookup (a DNS query in {@code premain} could stall a
 * JVM's start): the kernel's {@code /proc/sys/kernel/hostname} (the container's own name in a
 * container), else the {@code HOSTNAME} or {@code COMPUTERNAME} variable, else {@code localhost}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ProcessIdentity id = ProcessIdentity.of(config.serviceName(), version, System.getenv());
 * json.writeStringField(ProcessIdentity.INSTANCE_ID, id.instanceId());
 * }</pre>
 *
 * @param serviceName the service's name
 * @param instanceId this run's id, {@code host-pid-start}
 * @param agentVersion the agent's version
 * @param host the host name
 * @param pid the process id
 * @param startEpochMillis when the agent started
 */
public record ProcessIdentity(
    String serviceName,
    String instanceId,
    String agentVersion,
    String host,
    long pid,
    long startEpochMillis) {

  /** Field name of the service's name (OpenTelemetry resource attribute). */
  public static final String SERVICE_NAME = "service.name";

  /** Field name of the instance id (OpenTelemetry resource attribute). */
  public static final String INSTANCE_ID = "service.instance.id";

  /** Field name of the agent's version (OpenTelemetry resource attribute). */
  public static final String AGENT_VERSION = "telemetry.distro.version";

  /** OpenTelemetry's name for a service that did not say. */
  static final String UNKNOWN_SERVICE = "unknown_service:java";

  private static final DateTimeFormatter START =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

  /**
   * The identity of this process, started now.
   *
   * @param serviceName the {@code service.name} option, or {@code null} to derive it
   * @param agentVersion the agent's version
   * @param environment the process environment (for the host name)
   */
  public static ProcessIdentity of(
      String serviceName, String agentVersion, Map<String, String> environment) {
    return of(
        serviceName != null ? serviceName : serviceNameOf(System.getProperty("sun.java.command")),
        agentVersion,
        hostName(KERNEL_HOSTNAME, environment),
        ProcessHandle.current().pid(),
        System.currentTimeMillis());
  }

  /** An identity from its parts; the instance id is built from host, pid and start. */
  public static ProcessIdentity of(
      String serviceName, String agentVersion, String host, long pid, long startEpochMillis) {
    String instance = host + "-" + pid + "-" + START.format(Instant.ofEpochMilli(startEpochMillis));
    return new ProcessIdentity(serviceName, instance, agentVersion, host, pid, startEpochMillis);
  }

  /**
   * The instance id as a file-name part: letters, digits, {@code .}, {@code _} and {@code -} kept,
   * anything else (a host name is free text on some systems) replaced with {@code _}.
   */
  public String fileSuffix() {
    StringBuilder suffix = new StringBuilder(instanceId.length());
    for (int i = 0; i < instanceId.length(); i++) {
      char c = instanceId.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      suffix.append(safe ? c : '_');
    }
    return suffix.toString();
  }

  /**
   * The service name derived from the JVM's command ({@code sun.java.command}: the main class or
   * jar, then the arguments).
   */
  static String serviceNameOf(String javaCommand) {
    if (javaCommand == null || javaCommand.isBlank()) {
      return UNKNOWN_SERVICE;
    }
    String main = javaCommand.strip().split("\\s+", 2)[0];
    if (main.toLowerCase(Locale.ROOT).endsWith(".jar")) {
      String file = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
      String name = file.substring(0, file.length() - ".jar".length());
      // agent-runtime-0.1.0-SNAPSHOT: the version starts at the first "-<digit>".
      String unversioned = name.replaceFirst("-\\d.*$", "");
      return unversioned.isEmpty() ? name : unversioned;
    }
    String simple = main.substring(main.lastIndexOf('.') + 1);
    return simple.isEmpty() ? UNKNOWN_SERVICE : simple;
  }

  /** The host name, without a network lookup. */
  static String hostName(Path kernelHostName, Map<String, String> environment) {
    try {
      if (Files.isReadable(kernelHostName)) {
        String name = Files.readString(kernelHostName, StandardCharsets.UTF_8).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc not mounted: the variables below
    }
    for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
      String name = environment.get(variable);
      if (name != null && !name.isBlank()) {
        return name.strip();
      }
    }
    return "localhost";
  }
}
