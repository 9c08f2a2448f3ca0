package dev.comfyagent.instrument.config;

/**
 * A host and port to listen on, as written in an option: the host is kept as text and resolved only
 * when the listener starts (never in {@code premain}, where a name lookup could stall the JVM's
 * start).
 *
 * @param host a host name or address ({@value #LOOPBACK} when only a port was given); an IPv6
 *     address without brackets
 * @param port the port, 0 for one the system chooses
 */
public record HostPort(String host, int port) {

  /** The host a bare port binds: the loopback interface, never every interface. */
  public static final String LOOPBACK = "127.0.0.1";

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
