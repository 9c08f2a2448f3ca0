package dev.comfyagent.instrument.config;

import dev.comfyagent.instrument.entry.AgentArguments;
import java.util.Locale;

/**
 * The forms an option value can take, each with its parser and the words used in error messages.
 */
enum OptionKind {
  /** A file or directory; read literally, so Windows paths such as {@code C:\logs} work. */
  PATH("a path"),
  /** {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or a number of seconds. */
  DURATION("a duration such as 500ms, 30s, 5m or 1h"),
  /** {@code 512KB}, {@code 10MB}, {@code 1GB}, or a number of bytes; 0 turns the feature off. */
  SIZE("a size such as 512KB, 10MB or 1GB (0 = never)"),
  /** A whole number, zero or more. */
  COUNT("a whole number (0 or more)"),
  /** {@code true/false}, {@code on/off} or {@code yes/no}. */
  SWITCH("on or off (true/false, yes/no)"),
  /** Free text. */
  TEXT("text"),
  /** {@code class-glob#method-glob} patterns separated by {@code ;}. */
  PATTERNS("patterns such as com.acme.*Tool#execute, separated by ;"),
  /** {@code host:port}, {@code [v6]:port}, a bare port (loopback), or {@code off}. */
  ADDRESS("host:port, a port (bound to 127.0.0.1) or off"),
  /** An {@code http://} or {@code https://} URL without query or fragment, or {@code off}. */
  URL("an http:// or https:// URL such as http://collector:4318, or off"),
  /** {@code key=value} pairs separated by commas, values URL-encoded (OpenTelemetry's form). */
  HEADERS("key=value pairs separated by commas");

  private final String expected;

  OptionKind(String expected) {
    this.expected = expected;
  }

  /** What a valid value looks like, for error messages. */
  String expected() {
    return expected;
  }

  /**
   * Checks {@code value}; returns what is wrong with it, as the end of a sentence that starts with
   * the option ("is not a duration such as ..."), or {@code null} when it is valid.
   */
  String check(String value) {
    try {
      switch (this) {
        case DURATION -> parseDurationMillis(value);
        case SIZE -> parseSizeBytes(value);
        case COUNT -> parseCount(value);
        case SWITCH -> parseSwitch(value);
        case PATTERNS -> {
          if (!value.isBlank()) {
            ToolPattern.parseAll(value);
          }
        }
        case PATH -> {
          if (value.isBlank()) {
            throw new IllegalArgumentException("empty");
          }
        }
        case ADDRESS -> parseAddress(value);
        case URL -> parseUrl(value);
        case HEADERS -> parseHeaders(value);
        case TEXT -> {}
      }
      return null;
    } catch (IllegalArgumentException e) {
      if (this == PATTERNS && e.getMessage() != null) {
        return "has an invalid " + e.getMessage();
      }
      if ((this == ADDRESS || this == URL || this == HEADERS) && e.getMessage() != null) {
        return "is not " + expected + " (" + e.getMessage() + ")";
      }
      return "is not " + expected;
    }
  }

  static long parseDurationMillis(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long factor;
    String number;
    if (v.endsWith("ms")) {
      factor = 1;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      factor = 1000;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      factor = 60_000;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("h")) {
      factor = 3_600_000;
      number = v.substring(0, v.length() - 1);
    } else {
      factor = 1000;
      number = v;
    }
    long n = Long.parseLong(number.trim());
    if (n <= 0 || n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException();
    }
    return n * factor;
  }

  static long parseSizeBytes(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    long factor = 1;
    String number = v;
    String[][] units = {
      {"KB", "1024"},
      {"MB", "1048576"},
      {"GB", "1073741824"},
      {"K", "1024"},
      {"M", "1048576"},
      {"G", "1073741824"},
      {"B", "1"}
    };
    for (String[] unit : units) {
      if (v.endsWith(unit[0])) {
        factor = Long.parseLong(unit[1]);
        number = v.substring(0, v.length() - unit[0].length());
        break;
      }
    }
    long n = Long.parseLong(number.trim());
    if (n < 0 || n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException();
    }
    return n * factor;
  }

  static int parseCount(String value) {
    int n = Integer.parseInt(value.trim());
    if (n < 0) {
      throw new IllegalArgumentException();
    }
    return n;
  }

  static boolean parseSwitch(String value) {
    if (AgentArguments.isOn(value)) {
      return true;
    }
    if (AgentArguments.isOff(value)) {
      return false;
    }
    throw new IllegalArgumentException();
  }

  /**
   * The address to listen on, or {@code null} for {@code off}. A bare port binds the loopback
   * interface only: exposing figures to other machines needs a host named on purpose.
   */
  static HostPort parseAddress(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("off")) {
      return null;
    }
    if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      return new HostPort(HostPort.LOOPBACK, port(v));
    }
    int colon = v.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("no port");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("an IPv6 address goes in brackets: [::1]:9464");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(
          "no host; name one, 0.0.0.0 for every interface, or give only the port for 127.0.0.1");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '%')) {
        throw new IllegalArgumentException("'" + host + "' is not a host name or address");
      }
    }
    return new HostPort(host, port(v.substring(colon + 1)));
  }

  private static int port(String digits) {
    int port;
    try {
      port = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + digits + "' is not a port");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is out of 0-65535");
    }
    return port;
  }

  /** The collector's base URL, or {@code null} for {@code off}. */
  static java.net.URI parseUrl(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("off")) {
      return null;
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(v);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("the scheme must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("no query, fragment or user info allowed");
    }
    return uri;
  }

  /** Header names and values, in order; values are URL-decoded. */
  static java.util.Map<String, String> parseHeaders(String value) {
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    if (value.isBlank()) {
      return headers;
    }
    for (String pair : value.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("'" + pair.strip() + "' is not key=value");
      }
      String name = pair.substring(0, eq).strip();
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
          throw new IllegalArgumentException("'" + name + "' is not a header name");
        }
      }
      String decoded;
      try {
        decoded =
            java.net.URLDecoder.decode(
                pair.substring(eq + 1).strip(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the value of " + name + " is not URL-encoded");
      }
      if (decoded.indexOf('\r') >= 0 || decoded.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("the value of " + name + " holds a line break");
      }
      headers.put(name, decoded);
    }
    return headers;
  }
}
