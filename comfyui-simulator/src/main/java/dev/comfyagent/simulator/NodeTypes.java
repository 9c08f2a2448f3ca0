package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node types the simulator knows: the {@code /object_info} entries of ComfyUI's most used core
 * nodes, read from {@code object_info.json} beside this class, with the choice lists of loader
 * inputs filled from the {@link ModelLibrary} the way ComfyUI fills them from its model folders.
 *
 * <p>Thread-safe: the template is never changed; every answer is a fresh copy.
 */
final class NodeTypes {

  private static final String RESOURCE = "object_info.json";

  /** Loader inputs whose choices are the files of a model folder, by input name. */
  private static final Map<String, String> FOLDER_OF_INPUT =
      Map.of(
          "ckpt_name", "checkpoints",
          "config_name", "configs",
          "lora_name", "loras",
          "vae_name", "vae",
          "control_net_name", "controlnet",
          "unet_name", "diffusion_models",
          "clip_name", "text_encoders",
          "clip_name1", "text_encoders",
          "clip_name2", "text_encoders");

  /** Exceptions to {@link #FOLDER_OF_INPUT}, by {@code Class.input}. */
  private static final Map<String, String> FOLDER_OF_CLASS_INPUT =
      Map.of(
          "CLIPVisionLoader.clip_name", "clip_vision",
          "UpscaleModelLoader.model_name", "upscale_models");

  private static final List<String> IMAGE_INPUTS =
      List.of("LoadImage.image", "LoadImageMask.image");

  private final ObjectNode template;
  private final ModelLibrary models;
  private final ObjectMapper json;

  NodeTypes(ObjectMapper json, ModelLibrary models) {
    this.json = json;
    this.models = models;
    this.template = load(json);
  }

  private static ObjectNode load(ObjectMapper json) {
    try (InputStream in = NodeTypes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the simulator's jar");
      }
      return (ObjectNode) json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The whole {@code /object_info} answer. */
  ObjectNode objectInfo() {
    ObjectNode all = json.createObjectNode();
    for (Iterator<String> it = template.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      all.set(name, withModelLists(name, (ObjectNode) template.get(name).deepCopy()));
    }
    return all;
  }

  /** One node type's entry, as in {@code /object_info/{class}}. */
  Optional<ObjectNode> find(String classType) {
    JsonNode entry = template.get(classType);
    if (entry == null) {
      return Optional.empty();
    }
    return Optional.of(withModelLists(classType, ((ObjectNode) entry).deepCopy()));
  }

  /** Number of node types. */
  int size() {
    return template.size();
  }

  private ObjectNode withModelLists(String classType, ObjectNode entry) {
    JsonNode input = entry.path("input");
    for (String section : List.of("required", "optional")) {
      JsonNode inputs = input.path(section);
      for (Map.Entry<String, JsonNode> field : inputs.properties()) {
        JsonNode spec = field.getValue();
        if (!spec.isArray() || spec.size() == 0 || !spec.get(0).isArray()) {
          continue;
        }
        choicesFor(classType, field.getKey())
            .ifPresent(
                choices -> {
                  ArrayNode list = json.createArrayNode();
                  choices.forEach(list::add);
                  ((ArrayNode) spec).set(0, list);
                });
      }
    }
    return entry;
  }

  private Optional<List<String>> choicesFor(String classType, String inputName) {
    String key = classType + "." + inputName;
    if (IMAGE_INPUTS.contains(key)) {
      return Optional.of(models.inputFiles());
    }
    String folder = FOLDER_OF_CLASS_INPUT.getOrDefault(key, FOLDER_OF_INPUT.get(inputName));
    return folder == null ? Optional.empty() : models.files(folder);
  }
}
