package dev.comfyagent.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, for tests that open a page as a reader would: a screenshot,
 * the DOM after rendering ({@code --dump-dom}), and Chromium's own network log, from which {@link
 * #requestsOfThePage} tells the requests the page made from those Chromium makes for itself. Each
 * run gets a fresh profile folder and the flags that keep Chromium quiet in a container.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * HeadlessChromium chromium = HeadlessChromium.find().orElseThrow();
 * chromium.screenshot(page, png, 1280, 2400);
 * HeadlessChromium.Loaded loaded = chromium.load(page, workDir);
 * }</pre>
 */
public final class HeadlessChromium {

  /** Where Debian's package installs it; {@code -Dcomfyagent.it.chromium} names another. */
  public static final String DEFAULT = "/usr/bin/chromium";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path binary;

  private HeadlessChromium(Path binary) {
    this.binary = binary;
  }

  /** Chromium, when it is installed. */
  public static Optional<HeadlessChromium> find() {
    Path binary = Path.of(System.getProperty("comfyagent.it.chromium", DEFAULT));
    return Files.isExecutable(binary)
        ? Optional.of(new HeadlessChromium(binary))
        : Optional.empty();
  }

  /** The page's DOM after rendering, and the network log of its loading. */
  public record Loaded(String dom, Path netLog) {}

  /** Saves a PNG of the page at this window size. */
  public void screenshot(Path page, Path png, int width, int height, Path workDir) {
    run(
        workDir,
        List.of(
            "--hide-scrollbars",
            "--window-size=" + width + "," + height,
            "--screenshot=" + png.toAbsolutePath(),
            page.toUri().toString()));
    if (!Files.isRegularFile(png)) {
      throw new AssertionError("chromium wrote no screenshot " + png);
    }
  }

  /** Loads the page, returns its rendered DOM and the network log of the load. */
  public Loaded load(Path page, Path workDir) {
    Path netLog = workDir.resolve("netlog-" + System.nanoTime() + ".json");
    String dom =
        run(
            workDir,
            List.of(
                "--dump-dom",
                "--log-net-log=" + netLog.toAbsolutePath(),
                "--net-log-capture-mode=Everything",
                page.toUri().toString()));
    return new Loaded(dom, netLog);
  }

  /**
   * The URLs the page asked for: requests started on behalf of a {@code file://} document (its
   * network isolation key or site names {@code file://}), other than {@code file:} URLs. Chromium's
   * own background requests (it has a profile to look after) belong to no page and are left out.
   */
  public static List<String> requestsOfThePage(Path netLog) {
    JsonNode log;
    try {
      log = JSON.readTree(netLog.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read chromium's network log " + netLog, e);
    }
    Map<Integer, String> types = new HashMap<>();
    log.path("constants")
        .path("logEventTypes")
        .fields()
        .forEachRemaining(e -> types.put(e.getValue().asInt(), e.getKey()));
    List<String> requests = new ArrayList<>();
    for (JsonNode event : log.path("events")) {
      if (!"URL_REQUEST_START_JOB".equals(types.get(event.path("type").asInt()))) {
        continue;
      }
      JsonNode params = event.path("params");
      String url = params.path("url").asText("");
      boolean fromFilePage =
          params.path("network_isolation_key").asText("").contains("file://")
              || params.path("site_for_cookies").asText("").contains("file://");
      if (!url.isEmpty() && fromFilePage && !url.startsWith("file:")) {
        requests.add(url);
      }
    }
    return requests;
  }

  private String run(Path workDir, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir="
                + workDir.resolve("chromium-profile-" + System.nanoTime()).toAbsolutePath()));
    command.addAll(arguments);
    Path stdout = workDir.resolve("chromium-stdout-" + System.nanoTime() + ".txt");
    Path stderr = workDir.resolve("chromium-stderr.txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("chromium did not finish in 120 s: " + command);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "chromium exited with "
                + process.exitValue()
                + ": "
                + Files.readString(stderr, StandardCharsets.UTF_8));
      }
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
