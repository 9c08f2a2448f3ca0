package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * ComfyUI's SDXL base + refiner example as "Save (API Format)" writes it: 11 nodes, two checkpoint
 * loaders, four prompts, two {@code KSamplerAdvanced} handing over at step 20, a decode and a save.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * String text = SdxlWorkflow.text();     // the file's bytes as a string
 * ObjectNode api = SdxlWorkflow.json();  // a fresh copy each call
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SdxlWorkflow {

  /** Node id of the base {@code KSamplerAdvanced}. */
  public static final String BASE_SAMPLER = "10";

  private static final String RESOURCE = "sdxl-base-refiner.api.json";
  private static final String TEXT = load();
  private static final ObjectNode JSON = parse(TEXT);

  private SdxlWorkflow() {}

  /** The workflow file's text. */
  public static String text() {
    return TEXT;
  }

  /** The workflow as JSON; a fresh copy the caller may change. */
  public static ObjectNode json() {
    return JSON.deepCopy();
  }

  private static String load() {
    try (InputStream in = SdxlWorkflow.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the benchmarks jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode parse(String text) {
    try {
      return (ObjectNode) new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
