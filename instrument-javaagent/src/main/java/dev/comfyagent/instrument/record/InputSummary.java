package dev.comfyagent.instrument.record;

import java.lang.reflect.Array;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

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
  private static final int MAX_DEPTH = 6;
  private static final String VALUE = "value";
  private static final String INPUT = "input";
  private static final String PATH = "path";
  private static final char ELLIPSIS = '…';

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
    Bounded out = new Bounded(maxChars);
    if (arguments instanceof Map<?, ?> map) {
      appendEntries(out, map.entrySet()::iterator, 0, false);
    } else if (arguments != null && trees.recognizes(arguments) && trees.isObject(arguments)) {
      appendEntries(out, () -> trees.fields(arguments), 0, false);
    } else if (arguments != null) {
      appendValue(out, arguments, 0);
    }
    return out.finish();
  }

  /** The summary of a method's parameters, by name. */
  public String ofParameters(String[] names, Object[] values) {
    if (maxChars == 0) {
      return null;
    }
    Bounded out = new Bounded(maxChars);
    int n = values == null ? 0 : values.length;
    for (int i = 0; i < n && !out.full(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      String name = names != null && i < names.length ? names[i] : "arg" + i;
      appendNamed(out, name, values[i], 0);
    }
    return out.finish();
  }

  /** Whether a value under this key is redacted. */
  public static boolean secretKey(String key) {
    if (key == null) {
      return false;
    }
    for (String word : SECRET_WORDS) {
      for (int i = 0; i + word.length() <= key.length(); i++) {
        if (key.regionMatches(true, i, word, 0, word.length())) {
          return true;
        }
      }
    }
    return false;
  }

  private void appendEntries(
      Bounded out,
      Supplier<? extends Iterator<? extends Map.Entry<?, ?>>> entries,
      int depth,
      boolean braces) {
    boolean valueIsSecret = valueNamesASecret(entries.get());
    if (braces) {
      out.append('{');
    }
    boolean first = true;
    Iterator<? extends Map.Entry<?, ?>> all = entries.get();
    while (all.hasNext() && !out.full()) {
      Map.Entry<?, ?> entry = all.next();
      if (!first) {
        out.append(", ");
      }
      first = false;
      String name = String.valueOf(entry.getKey());
      if (valueIsSecret && VALUE.equals(name)) {
        out.append(name).append('=').append(REDACTED);
      } else {
        appendNamed(out, name, entry.getValue(), depth);
      }
    }
    if (braces) {
      out.append('}');
    }
  }

  /**
   * Whether the {@code value} beside these entries is a secret by what it sets: {@code set_input}'s
   * {@code {"input":"api_key","value":...}}, or a JSON Patch operation's {@code
   * {"path":"/12/inputs/api_key","value":...}} (the pointer's last segment).
   */
  private boolean valueNamesASecret(Iterator<? extends Map.Entry<?, ?>> entries) {
    while (entries.hasNext()) {
      Map.Entry<?, ?> entry = entries.next();
      Object key = entry.getKey();
      if (INPUT.equals(key)) {
        if (secretKey(text(entry.getValue()))) {
          return true;
        }
      } else if (PATH.equals(key)) {
        String pointer = text(entry.getValue());
        if (pointer != null
            && pointer.startsWith("/")
            && secretKey(pointer.substring(pointer.lastIndexOf('/') + 1))) {
          return true;
        }
      }
    }
    return false;
  }

  /** A string value as text (a JSON text node included), else null. */
  private String text(Object value) {
    if (value instanceof CharSequence chars) {
      return chars.toString();
    }
    if (value != null
        && trees.recognizes(value)
        && !trees.isObject(value)
        && !trees.isArray(value)) {
      return trees.scalarText(value);
    }
    return null;
  }

  private void appendNamed(Bounded out, String name, Object value, int depth) {
    out.append(name).append('=');
    if (secretKey(name)) {
      out.append(REDACTED);
    } else {
      appendValue(out, value, depth + 1);
    }
  }

  private void appendValue(Bounded out, Object value, int depth) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence chars && namesASecretInJson(chars)) {
      out.append(REDACTED);
    } else if (value instanceof CharSequence
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Character) {
      out.append(value.toString());
    } else if (value instanceof Enum<?> e) {
      out.append(e.name());
    } else if (depth > MAX_DEPTH) {
      out.append("…");
    } else if (value instanceof Map<?, ?> map) {
      appendEntries(out, map.entrySet()::iterator, depth, true);
    } else if (value instanceof Iterable<?> iterable && !trees.recognizes(value)) {
      appendElements(out, iterable.iterator(), depth);
    } else if (value.getClass().isArray()) {
      appendArray(out, value, depth);
    } else if (trees.recognizes(value)) {
      if (trees.isObject(value)) {
        appendEntries(out, () -> trees.fields(value), depth, true);
      } else if (trees.isArray(value)) {
        appendElements(out, trees.elements(value), depth);
      } else {
        out.append(trees.scalarText(value));
      }
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

  private void appendElements(Bounded out, Iterator<?> elements, int depth) {
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

  private void appendArray(Bounded out, Object array, int depth) {
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

  /** A builder that stops growing at its bound and remembers that it was cut. */
  private static final class Bounded {
    private final int max;
    private final StringBuilder text;
    private boolean cut;

    Bounded(int max) {
      this.max = max;
      this.text = new StringBuilder(Math.min(max + 1, 256));
    }

    Bounded append(String s) {
      if (cut) {
        return this;
      }
      int room = max + 1 - text.length();
      if (s.length() <= room) {
        text.append(s);
      } else {
        text.append(s, 0, Math.max(0, room));
      }
      if (text.length() > max) {
        cut = true;
      }
      return this;
    }

    Bounded append(char c) {
      return append(String.valueOf(c));
    }

    boolean full() {
      return cut;
    }

    String finish() {
      if (text.length() > max) {
        text.setLength(max - 1);
        text.append(ELLIPSIS);
      }
      return text.toString();
    }
  }
}
