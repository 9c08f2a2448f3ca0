package dev.comfyagent.simulator;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the ComfyUI simulator from the command line, for the demo or to point a client at:
 *
 * <pre>
 * java -jar comfyui-simulator-&lt;version&gt;-all.jar [--port 8188] [--listen 127.0.0.1] [--step-delay-ms 100] [--no-previews]
 * </pre>
 *
 * <p>Logs go to stderr only; it runs until killed.
 */
public final class SimulatorMain {

  private SimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    ComfyUiSimulator.Builder builder =
        ComfyUiSimulator.builder().port(8188).stepDelay(Duration.ofMillis(100));
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--port" -> builder.port(Integer.parseInt(value(args, ++i, arg)));
        case "--listen" -> builder.host(value(args, ++i, arg));
        case "--step-delay-ms" ->
            builder.stepDelay(Duration.ofMillis(Long.parseLong(value(args, ++i, arg))));
        case "--no-previews" -> builder.previews(false);
        case "--help", "-h" -> {
          System.err.println(
              "ComfyUI simulator (answers ComfyUI's API shapes; renders nothing)\n"
                  + "usage: java -jar comfyui-simulator-all.jar [--port 8188] [--listen 127.0.0.1]"
                  + " [--step-delay-ms 100] [--no-previews]");
          return;
        }
        default -> {
          System.err.println("unknown argument: " + arg + " (try --help)");
          System.exit(2);
        }
      }
    }
    ComfyUiSimulator simulator = builder.start();
    System.err.println(
        "ComfyUI simulator listening on " + simulator.baseUri() + " (Ctrl+C to stop)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulator.close();
                  stopped.countDown();
                },
                "comfyui-simulator-shutdown"));
    stopped.await();
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return args[index];
  }
}
