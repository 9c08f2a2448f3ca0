package dev.comfyagent.instrument.record;

/**
 * A reusable, bounded text buffer that an {@link InputSummary} renders into: it stops growing at
 * its bound and remembers that it was cut, and {@link #finish} then ends it in {@code …}. Its
 * characters live in one array sized once, so rendering a summary into a buffer that a thread keeps
 * allocates nothing.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * SummaryText text = new SummaryText(200);
 * summary.render(arguments, text);   // text now holds "path=/w.json, seed=3"
 * sink.copy(text);                  // read it while the call is traced, never kept
 * }</pre>
 *
 * <p>Not thread-safe: one per thread (the tracker keeps one per pooled call frame).
 */
public final class SummaryText implements CharSequence {

  private static final char ELLIPSIS = '…';
  private static final String MIN_LONG = Long.toString(Long.MIN_VALUE);
  // Objects nest at most InputSummary.MAX_DEPTH deep in a summary (its top level is depth 0).
  private static final int FIELD_WRITER_DEPTHS = InputSummary.MAX_DEPTH + 1;

  private final int max;
  private final char[] chars;
  private int length;
  private boolean cut;
  private boolean present;
  // The writers of JSON objects' fields, one per depth, made when first needed (see InputSummary).
  private InputSummary.FieldWriter[] fieldWriters;

  /**
   * @param max the bound on the text's length, at least 1
   */
  public SummaryText(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a summary's bound must be at least 1: " + max);
    }
    this.max = max;
    this.chars = new char[max + 1];
  }

  /** Empties the buffer and marks it as holding a summary (possibly an empty one). */
  void start() {
    length = 0;
    cut = false;
    present = true;
  }

  /** Empties the buffer and marks it as holding no summary at all ({@code null} in a trace). */
  public void clear() {
    length = 0;
    cut = false;
    present = false;
  }

  /** Whether a summary was rendered (summaries off, or a stand-in frame, leave none). */
  public boolean present() {
    return present;
  }

  SummaryText append(CharSequence s) {
    if (cut) {
      return this;
    }
    int n = s.length();
    int room = max + 1 - length;
    int take = Math.min(n, room);
    if (s instanceof String string) {
      string.getChars(0, take, chars, length);
    } else {
      for (int i = 0; i < take; i++) {
        chars[length + i] = s.charAt(i);
      }
    }
    length += take;
    if (length > max) {
      cut = true;
    }
    return this;
  }

  SummaryText append(char c) {
    if (cut) {
      return this;
    }
    chars[length++] = c;
    if (length > max) {
      cut = true;
    }
    return this;
  }

  /** Appends a whole number's decimal digits without making a string of it. */
  SummaryText append(long value) {
    if (value == Long.MIN_VALUE) {
      return append(MIN_LONG);
    }
    if (value < 0) {
      append('-');
      value = -value;
    }
    if (cut) {
      return this;
    }
    // Divisions by the constant 10 only, which the JIT turns into multiplications.
    int digits = 1;
    for (long rest = value / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int take = Math.min(digits, max + 1 - length);
    for (int i = take; i < digits; i++) {
      value /= 10;
    }
    for (int at = length + take - 1; at >= length; at--) {
      chars[at] = (char) ('0' + value % 10);
      value /= 10;
    }
    length += take;
    if (length > max) {
      cut = true;
    }
    return this;
  }

  /**
   * The writer of a JSON object's fields at {@code depth} in this text, or null past the depths an
   * input summary renders.
   */
  InputSummary.FieldWriter fieldWriter(int depth) {
    if (depth < 0 || depth >= FIELD_WRITER_DEPTHS) {
      return null;
    }
    if (fieldWriters == null) {
      fieldWriters = new InputSummary.FieldWriter[FIELD_WRITER_DEPTHS];
    }
    InputSummary.FieldWriter writer = fieldWriters[depth];
    if (writer == null) {
      writer = new InputSummary.FieldWriter(this);
      fieldWriters[depth] = writer;
    }
    return writer;
  }

  /** Whether the bound was reached: what is appended from now on is dropped. */
  boolean full() {
    return cut;
  }

  /** Ends a cut text in {@code …} at the bound. */
  void finish() {
    if (length > max) {
      length = max;
      chars[max - 1] = ELLIPSIS;
    }
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return chars[index];
  }

  /** Copies the text's characters into {@code target} from its index 0. */
  public void copyTo(char[] target) {
    System.arraycopy(chars, 0, target, 0, length);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().substring(start, end);
  }

  /** The text as a new string, or {@code null} when no summary is {@linkplain #present()}. */
  public String text() {
    return present ? toString() : null;
  }

  @Override
  public String toString() {
    return new String(chars, 0, length);
  }
}
