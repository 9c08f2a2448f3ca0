package dev.comfyagent.instrument.attach;

/** A JVM to attach to: says "ready" once started, then waits until its stdin closes. */
public final class WaitsOnStdin {

  private WaitsOnStdin() {}

  /** Prints "ready" and blocks on stdin. */
  public static void main(String[] args) throws Exception {
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for the test to close stdin
    }
  }
}
