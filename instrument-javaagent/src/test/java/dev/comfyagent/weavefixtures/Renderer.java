package dev.comfyagent.weavefixtures;

/** A helper timed through a {@code tools} pattern by the in-process weaving tests. */
public final class Renderer {

  /** Returns a description of a pretend render. */
  public String render(String prompt, int steps) {
    return prompt + " x" + steps;
  }

  /** A void method, timed by the same pattern. */
  public void renderQuietly(String prompt) {
    render(prompt, 1);
  }

  /** A static method, timed by the same pattern. */
  public static int renderCount(int n) {
    return n;
  }
}
