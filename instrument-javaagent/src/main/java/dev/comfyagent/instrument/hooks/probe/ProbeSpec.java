package dev.comfyagent.instrument.hooks.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One memory probe: a name, the class whose instances it reads, and the no-argument method it reads
 * from each ({@code int}, {@code long} or any number, or a {@code Collection} or {@code Map} whose
 * size is taken).
 *
 * <p>Written as an option {@code probe.<name>=<class>#<method>}; {@code probe.<name>=off} turns a
 * probe of the built-in profile off.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the probe's name, the key of its figures in metrics.jsonl and get_agent_stats
 * @param className the binary name of the class ({@code com.acme.Cache}, {@code
 *     com.acme.Outer$Inner})
 * @param methodName the method read from each live instance
 * @param builtIn whether it comes from the built-in profile (then a class that never loads is not
 *     reported: the profile names agent-runtime's classes, which other servers do not have)
 */
public record ProbeSpec(String name, String className, String methodName, boolean builtIn) {

  /** The value of a {@code probe.<name>} option that turns a built-in probe off. */
  public static final String OFF = "off";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern JAVA_IDENTIFIER = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*");

  /** {@code class#method}, as in the option. */
  public String target() {
    return className + "#" + methodName;
  }

  /**
   * The probes to run: the built-in profile, then the options' probes (which replace a built-in one
   * of the same name, or turn it off with {@code off}).
   *
   * @param options the {@code probe.} namespace: name to {@code class#method} or {@code off}
   * @throws IllegalArgumentException naming the first malformed option
   */
  public static List<ProbeSpec> resolve(List<ProbeSpec> builtIn, Map<String, String> options) {
    Map<String, ProbeSpec> probes = new LinkedHashMap<>();
    for (ProbeSpec spec : builtIn) {
      probes.put(spec.name(), spec);
    }
    for (Map.Entry<String, String> option : options.entrySet()) {
      String name = option.getKey();
      String value = option.getValue().trim();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "option probe."
                + name
                + ": a probe name is 1 to 64 letters, digits, '_' or '-' (probe.<name>=<class>#<method>)");
      }
      if (value.equalsIgnoreCase(OFF)) {
        probes.remove(name);
      } else {
        probes.put(name, parse(name, value));
      }
    }
    return new ArrayList<>(probes.values());
  }

  /**
   * Parses {@code class#method}.
   *
   * @throws IllegalArgumentException naming the option and what is expected
   */
  static ProbeSpec parse(String name, String value) {
    int hash = value.indexOf('#');
    String className = hash < 0 ? value : value.substring(0, hash).trim();
    String method = hash < 0 ? "" : value.substring(hash + 1).trim();
    if (method.endsWith("()")) {
      method = method.substring(0, method.length() - 2);
    }
    if (hash < 0 || !isBinaryClassName(className) || !JAVA_IDENTIFIER.matcher(method).matches()) {
      throw new IllegalArgumentException(
          "option probe."
              + name
              + "="
              + value
              + ": expected <class>#<method>, a fully qualified class name and a no-argument"
              + " method returning a number, a Collection or a Map (for example"
              + " com.acme.cache.TileCache#size), or off");
    }
    return new ProbeSpec(name, className, method, false);
  }

  private static boolean isBinaryClassName(String className) {
    if (className.isEmpty() || className.startsWith(".") || className.endsWith(".")) {
      return false;
    }
    for (String part : className.split("\\.", -1)) {
      if (!JAVA_IDENTIFIER.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }
}
