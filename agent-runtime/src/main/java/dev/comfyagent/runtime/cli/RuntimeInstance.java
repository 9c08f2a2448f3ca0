package dev.comfyagent.runtime.cli;

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
 * Which runtime process wrote a log line: {@code service.instance.id} is {@code
 * <host>-<pid>-<start>}, the start in UTC to the millisecond ({@code 20261125T101530123Z}). It is
 * unique among containers that all run as pid 1 from one image (their host names, the container
 * ids, differ) and among restarts of one container (the start differs), and it has the shape the
 * agent gives its own lines, so a runtime's log and its agent's figures can be matched by host and
 * pid.
 *
 * <p>The host name is read without a network lookup: the kernel's {@code
 * /proc/sys/kernel/hostname}, else {@code HOSTNAME} or {@code COMPUTERNAME}, else {@code
 * localhost}.
 *
 * <p>Usage: {@code RuntimeInstance self = RuntimeInstance.current(System.getenv());}
 *
 * @param instanceId {@code host-pid-start}
 */
public record RuntimeInstance(String instanceId) {

  /** The {@code service.name} of every runtime log line. */
  public static final String SERVICE_NAME = "agent-runtime";

  private static final DateTimeFormatter START =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** This process, started at the JVM's start. */
  public static RuntimeInstance current(Map<String, String> environment) {
    long start =
        ProcessHandle.current()
            .info()
            .startInstant()
            .map(Instant::toEpochMilli)
            .orElseGet(System::currentTimeMillis);
    return of(
        hostName(Path.of("/proc/sys/kernel/hostname"), environment),
        ProcessHandle.current().pid(),
        start);
  }

  /** The instance of {@code pid} on {@code host}, started at {@code startEpochMillis}. */
  static RuntimeInstance of(String host, long pid, long startEpochMillis) {
    return new RuntimeInstance(
        host + "-" + pid + "-" + START.format(Instant.ofEpochMilli(startEpochMillis)));
  }

  /**
   * The instance id as a part of a file name: letters, digits, {@code .}, {@code _} and {@code -}
   * kept, any other character (host names are free text on some systems) as {@code _}.
   */
  public String fileNamePart() {
    return instanceId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  static String hostName(Path kernelHostName, Map<String, String> environment) {
    try {
      String name = Files.readString(kernelHostName, StandardCharsets.UTF_8).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: the environment says it
    }
    for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
      String name = environment.getOrDefault(variable, "").strip();
      if (!name.isEmpty()) {
        return name;
      }
    }
    return "localhost";
  }
}
