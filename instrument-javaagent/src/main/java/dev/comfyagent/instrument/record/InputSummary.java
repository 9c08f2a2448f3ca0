package dev.comfyagent.instrument.record;

import java.lang.reflect.Array;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The {@code input_summary} of a trace line: a tool's argument names and values, cut to a bound,
 * with the values of secret-looking keys redacted.
 *
 * <p>Form: {@code name=value, name=value}; nested objects as {@code {k=v, ...}}, arrays as {@code
 * [a, b]}. A value is redacted ({@value #REDACTED}) when its key contains, ignoring case, any of
 * {@code token, key, secret, password, authorization, cookie}, at any depth; so is the {@code
 * value} beside an {@code input} that names such a key ({@code set_input
 * {"input":"api_key","value":...}}) or beside a JSON Patch {@code path} whose last segment does
 * ({@code {"op":"replace", "path":"/12/inputs/api_key","value":...}}), and a string argument that
 * is JSON text naming one (a patch passed as a string) is redacted whole. The result is at most
 * {@code maxChars} long; a cut summary ends in {@code …}. Only plain values are rendered (strings,
 * numbers, booleans, enums, maps, collections, arrays, JSON tree nodes); any other object shows as
 * {@code <SimpleClassName>} so that no host {@code toString()} runs.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * InputSummary summary = new InputSummary(200, treeReader);
 * summary.ofArguments(Map.of("path", "/w.json", "api_key", "x"));  // "path=/w.json, api_key=[redacted]"
 * }</pre>
 *
 * <p>Thread-safe (stateless apart from its settings).
 */
public final class InputSummary {

  /** What a secret value is replaced with. */
  public static final String REDACTED = "[redacted]";

  private static final String[] SECRET_WORDS = {
    "token", "key", "secret", "password", "authorization", "cookie"
  };
  static final int MAX_DEPTH = 6;
  private static final int KEY_CACHE_SLOTS = 256;
  private static final int MAX_CACHED_KEY = 64;
  private static final String[] PLAIN_KEYS_SEEN = new String[KEY_CACHE_SLOTS];
  private static final String[] SECRET_KEYS_SEEN = new String[KEY_CACHE_SLOTS];
  private static final String VALUE = "value";
  private static final String INPUT = "input";
  private static final String PATH = "path";

  private final int maxChars;
  private final TreeReader trees;

  /**
   * @param maxChars the bound on the summary's length; 0 turns summaries off
   * @param trees reads host JSON trees
   */
  public InputSummary(int maxChars, TreeReader trees) {
    this.maxChars = maxChars;
    this.trees = trees;
  }

  /**
   * The summary of a tool's arguments: a map or JSON object of named values, or {@code null} when
   * summaries are off.
   */
  public String ofArguments(Object arguments) {
    if (maxChars == 0) {
      return null;
    }
    SummaryText out = new SummaryText(maxChars);
    renderArguments(arguments, out);
    return out.text();
  }

  /** The summary of a method's parameters, by name, or {@code null} when summaries are off. */
  public String ofParameters(String[] names, Object[] values) {
    if (maxChars == 0) {
      return null;
    }
    SummaryText out = new SummaryText(maxChars);
    renderParameters(names, values, out);
    return out.text();
  }

  /** Whether summaries are on: a bound above 0. */
  public boolean enabled() {
    return maxChars > 0;
  }

  /** The bound on a summary's length; 0 when summaries are off. */
  public int maxChars() {
    return maxChars;
  }

  /**
   * Renders {@link #ofArguments}'s summary into {@code out} (a buffer of at least {@link #maxChars}
   * that the caller keeps): nothing is allocated for maps and JSON objects of strings and numbers
   * beyond what reading the host's tree costs. With summaries off, {@code out} is left {@linkplain
   * SummaryText#clear() holding none}.
   */
  public void renderArguments(Object arguments, SummaryText out) {
    if (maxChars == 0) {
      out.clear();
      return;
    }
    out.start();
    if (arguments instanceof Map<?, ?> || isTreeObject(arguments)) {
      appendEntries(out, arguments, 0, false);
    } else if (arguments != null) {
      appendValue(out, arguments, 0);
    }
    out.finish();
  }

  /** Renders {@link #ofParameters}'s summary into {@code out}, as {@link #renderArguments}. */
  public void renderParameters(String[] names, Object[] values, SummaryText out) {
    if (maxChars == 0) {
      out.clear();
      return;
    }
    out.start();
    int n = values == null ? 0 : values.length;
    for (int i = 0; i < n && !out.full(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      if (names != null && i < names.length) {
        appendNamed(out, names[i], values[i], 0);
      } else {
        // "argN" never names a secret
        out.append("arg").append(i).append('=');
        appendValue(out, values[i], 1);
      }
    }
    out.finish();
  }

  /** Whether a value under this key is redacted. */
  public static boolean secretKey(String key) {
    if (key == null) {
      return false;
    }
    if (key.length() > MAX_CACHED_KEY) {
      return scanForSecretWords(key);
    }
    // The same argument names come back call after call, mostly as the same (interned) strings:
    // remember the answer by identity. Each slot holds a string whose answer is the array's, so
    // a racing thread either finds its key there (and the right answer) or scans.
    int slot = key.hashCode() & (KEY_CACHE_SLOTS - 1);
    if (PLAIN_KEYS_SEEN[slot] == key) {
      return false;
    }
    if (SECRET_KEYS_SEEN[slot] == key) {
      return true;
    }
    boolean secret = scanForSecretWords(key);
    (secret ? SECRET_KEYS_SEEN : PLAIN_KEYS_SEEN)[slot] = key;
    return secret;
  }

  private static boolean scanForSecretWords(String key) {
    // Every key is checked on every traced call: ASCII keys (all in practice) are scanned once,
    // letter by letter; a key with any other character takes the general path, where case
    // folding can turn a non-ASCII letter into an ASCII one (the Kelvin sign matches "k").
    int n = key.length();
    for (int i = 0; i < n; i++) {
      if (key.charAt(i) >= 0x80) {
        return secretKeyIgnoringUnicodeCase(key);
      }
    }
    for (int i = 0; i < n; i++) {
      boolean found =
          switch (key.charAt(i) | 0x20) {
            case 't' -> asciiWordAt(key, i, "token");
            case 'k' -> asciiWordAt(key, i, "key");
            case 's' -> asciiWordAt(key, i, "secret");
            case 'p' -> asciiWordAt(key, i, "password");
            case 'a' -> asciiWordAt(key, i, "authorization");
            case 'c' -> asciiWordAt(key, i, "cookie");
            default -> false;
          };
      if (found) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the lower-case ASCII {@code word} is in the ASCII {@code key} at {@code at}, ignoring
   * case: for an ASCII character {@code c}, {@code (c | 0x20) == w} holds exactly when {@code c} is
   * the letter {@code w} in either case.
   */
  private static boolean asciiWordAt(String key, int at, String word) {
    int length = word.length();
    if (at + length > key.length()) {
      return false;
    }
    for (int j = 0; j < length; j++) {
      if ((key.charAt(at + j) | 0x20) != word.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #secretKey} for any key, with {@link String#regionMatches(boolean, int, String, int,
   * int)}'s case folding.
   */
  static boolean secretKeyIgnoringUnicodeCase(String key) {
    for (String word : SECRET_WORDS) {
      for (int i = 0; i + word.length() <= key.length(); i++) {
        if (key.regionMatches(true, i, word, 0, word.length())) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean isTreeObject(Object value) {
    return value != null && trees.kind(value) == TreeReader.OBJECT;
  }

  /** The entries of a map, or the fields of a JSON object node. */
  private Iterator<? extends Map.Entry<?, ?>> entries(Object source) {
    return source instanceof Map<?, ?> map ? map.entrySet().iterator() : trees.fields(source);
  }

  private void appendEntries(SummaryText out, Object source, int depth, boolean braces) {
    if (source instanceof Map<?, ?> map && map.isEmpty()) {
      // The common no-argument call: neither pass below makes its entry views and iterators.
      if (braces) {
        out.append('{');
        out.append('}');
      }
      return;
    }
    boolean tree = !(source instanceof Map<?, ?>);
    boolean valueIsSecret =
        tree ? valueNamesASecretIn(source) : valueNamesASecret((Map<?, ?>) source);
    if (braces) {
      out.append('{');
    }
    FieldWriter writer = tree ? out.fieldWriter(depth) : null;
    if (writer != null) {
      writer.start(this, depth, valueIsSecret);
    }
    // An object of at most maxChars fields is walked without an iterator: no object is made. Past
    // that the summary is cut before its last fields anyway, and an iterator stops there.
    if (writer == null || !trees.forEachField(source, maxChars, writer)) {
      boolean first = true;
      Iterator<? extends Map.Entry<?, ?>> all = entries(source);
      while (all.hasNext() && !out.full()) {
        Map.Entry<?, ?> entry = all.next();
        if (!first) {
          out.append(", ");
        }
        first = false;
        appendField(out, String.valueOf(entry.getKey()), entry.getValue(), depth, valueIsSecret);
      }
    }
    if (braces) {
      out.append('}');
    }
  }

  private void appendField(
      SummaryText out, String name, Object value, int depth, boolean valueIsSecret) {
    if (valueIsSecret && VALUE.equals(name)) {
      out.append(name).append('=').append(REDACTED);
    } else {
      appendNamed(out, name, value, depth);
    }
  }

  /**
   * Writes the fields of one JSON object, one call per field, as {@link #appendEntries}' loop does;
   * a {@link SummaryText} keeps one per depth, so that walking a tool's arguments makes no object.
   */
  static final class FieldWriter implements BiConsumer<String, Object> {

    private final SummaryText out;
    private InputSummary summary;
    private int depth;
    private boolean valueIsSecret;
    private boolean first;

    FieldWriter(SummaryText out) {
      this.out = out;
    }

    void start(InputSummary summary, int depth, boolean valueIsSecret) {
      this.summary = summary;
      this.depth = depth;
      this.valueIsSecret = valueIsSecret;
      this.first = true;
    }

    @Override
    public void accept(String name, Object value) {
      if (out.full()) {
        return;
      }
      if (!first) {
        out.append(", ");
      }
      first = false;
      summary.appendField(out, String.valueOf(name), value, depth, valueIsSecret);
    }
  }

  /**
   * Whether the {@code value} beside these entries is a secret by what it sets: {@code set_input}'s
   * {@code {"input":"api_key","value":...}}, or a JSON Patch operation's {@code
   * {"path":"/12/inputs/api_key","value":...}} (the pointer's last segment).
   */
  private boolean valueNamesASecret(Map<?, ?> entries) {
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      Object key = entry.getKey();
      if (INPUT.equals(key)) {
        if (inputIsSecret(entry.getValue())) {
          return true;
        }
      } else if (PATH.equals(key) && pathIsSecret(entry.getValue())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@link #valueNamesASecret(Map)} for a JSON object node: its two fields looked up by name, which
   * spares walking all its fields twice.
   */
  private boolean valueNamesASecretIn(Object node) {
    return inputIsSecret(trees.field(node, INPUT)) || pathIsSecret(trees.field(node, PATH));
  }

  private boolean inputIsSecret(Object input) {
    return input != null && secretKey(text(input));
  }

  private boolean pathIsSecret(Object path) {
    String pointer = path == null ? null : text(path);
    return pointer != null
        && pointer.startsWith("/")
        && secretKey(pointer.substring(pointer.lastIndexOf('/') + 1));
  }

  /** A string value as text (a JSON text node included), else null. */
  private String text(Object value) {
    if (value instanceof CharSequence chars) {
      return chars.toString();
    }
    if (value != null && trees.kind(value) == TreeReader.SCALAR) {
      return trees.scalarText(value);
    }
    return null;
  }

  private void appendNamed(SummaryText out, String name, Object value, int depth) {
    out.append(name).append('=');
    if (secretKey(name)) {
      out.append(REDACTED);
    } else {
      appendValue(out, value, depth + 1);
    }
  }

  private void appendValue(SummaryText out, Object value, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      out.append(namesASecretInJson(text) ? REDACTED : text);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
      out.append(value.toString());
    } else if (value instanceof Enum<?> e) {
      out.append(e.name());
    } else {
      // The tree reader is asked before the interface checks (CharSequence, Map, Iterable): a
      // JSON node is neither a CharSequence nor a Map, and on JDKs before 23 an interface check
      // that fails scans the node class's interfaces every time.
      int kind = trees.kind(value);
      if (kind == TreeReader.NOT_A_NODE) {
        appendPlainObject(out, value, depth);
      } else if (depth > MAX_DEPTH) {
        out.append("…");
      } else if (kind == TreeReader.OBJECT) {
        appendEntries(out, value, depth, true);
      } else if (kind == TreeReader.ARRAY) {
        appendElements(out, trees.elements(value), depth);
      } else if (trees.isLong(value)) {
        out.append(trees.longValue(value));
      } else {
        out.append(trees.scalarText(value));
      }
    }
  }

  /** A value that is neither a number, a string, an enum nor a JSON tree node. */
  private void appendPlainObject(SummaryText out, Object value, int depth) {
    if (value instanceof CharSequence chars) {
      out.append(namesASecretInJson(chars) ? REDACTED : chars);
    } else if (depth > MAX_DEPTH) {
      out.append("…");
    } else if (value instanceof Map<?, ?> map) {
      appendEntries(out, map, depth, true);
    } else if (value instanceof Iterable<?> iterable) {
      appendElements(out, iterable.iterator(), depth);
    } else if (value.getClass().isArray()) {
      appendArray(out, value, depth);
    } else {
      out.append('<').append(value.getClass().getSimpleName()).append('>');
    }
  }

  /**
   * Whether a string argument is JSON text that names a secret (a patch passed as a string): it
   * cannot be redacted in part without parsing it, so it is redacted whole.
   */
  private static boolean namesASecretInJson(CharSequence chars) {
    String text = chars.toString().strip();
    return (text.startsWith("[") || text.startsWith("{")) && secretKey(text);
  }

  private void appendElements(SummaryText out, Iterator<?> elements, int depth) {
    out.append('[');
    boolean first = true;
    while (elements.hasNext() && !out.full()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      appendValue(out, elements.next(), depth + 1);
    }
    out.append(']');
  }

  private void appendArray(SummaryText out, Object array, int depth) {
    out.append('[');
    int length = Array.getLength(array);
    for (int i = 0; i < length && !out.full(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendValue(out, Array.get(array, i), depth + 1);
    }
    out.append(']');
  }
}
