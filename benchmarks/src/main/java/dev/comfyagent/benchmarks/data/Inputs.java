package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Input;
import java.math.BigInteger;
import java.util.List;

/** Builds {@link Input}s with the options ComfyUI attaches to each kind of widget. */
final class Inputs {

  /** ComfyUI's seed maximum, 2^64 - 1: above a Java long, as in real {@code /object_info}. */
  static final BigInteger SEED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Inputs() {}

  static Input link(String name, String type) {
    return new Input(name, type, JSON.objectNode(), List.of(), false);
  }

  static Input linkWithTooltip(String name, String type, String tooltip) {
    ObjectNode options = JSON.objectNode();
    options.put("tooltip", tooltip);
    return new Input(name, type, options, List.of(), false);
  }

  static Input integer(String name, long defaultValue, long min, long max, long step) {
    ObjectNode options = JSON.objectNode();
    options.put("default", defaultValue);
    options.put("min", min);
    options.put("max", max);
    if (step != 1) {
      options.put("step", step);
    }
    return new Input(name, "INT", options, List.of(), false);
  }

  static Input seed(String name) {
    ObjectNode options = JSON.objectNode();
    options.put("default", 0);
    options.put("min", 0);
    options.put("max", SEED_MAX);
    options.put("control_after_generate", true);
    options.put("tooltip", "The random seed used for creating the noise.");
    return new Input(name, "INT", options, List.of(), false);
  }

  static Input decimal(String name, double defaultValue, double min, double max, double step) {
    ObjectNode options = JSON.objectNode();
    options.put("default", defaultValue);
    options.put("min", min);
    options.put("max", max);
    options.put("step", step);
    options.put("round", step / 10);
    return new Input(name, "FLOAT", options, List.of(), false);
  }

  static Input text(String name, boolean multiline, String defaultValue) {
    ObjectNode options = JSON.objectNode();
    if (multiline) {
      options.put("multiline", true);
      options.put("dynamicPrompts", true);
    }
    if (defaultValue != null) {
      options.put("default", defaultValue);
    }
    return new Input(name, "STRING", options, List.of(), false);
  }

  static Input bool(String name, boolean defaultValue) {
    ObjectNode options = JSON.objectNode();
    options.put("default", defaultValue);
    return new Input(name, "BOOLEAN", options, List.of(), false);
  }

  static Input combo(String name, List<String> choices, boolean newStyle) {
    ObjectNode options = JSON.objectNode();
    options.put("default", choices.get(0));
    return new Input(name, "COMBO", options, choices, newStyle);
  }

  static Input combo(String name, List<String> choices) {
    return combo(name, choices, false);
  }
}
