package dev.comfyagent.runtime.discover;

import static dev.comfyagent.runtime.discover.DiscoverText.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.runtime.tool.InputSchema;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.runtime.tool.ToolArguments;
import dev.comfyagent.runtime.tool.ToolContext;
import dev.comfyagent.runtime.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code list_models}: the model folders of ComfyUI ({@code /models}) or the files of one folder
 * ({@code /models/{folder}}), optionally filtered; with a filter and no folder, every folder is
 * searched.
 */
public final class ListModelsTool implements Tool {

  private static final int DEFAULT_LIMIT = 200;

  private final ModelCatalog models;
  private final ObjectNode schema =
      InputSchema.object()
          .optionalString(
              "folder",
              "A model folder (checkpoints, loras, vae, controlnet, upscale_models, ...); without"
                  + " it the folders are listed")
          .optionalString(
              "filter",
              "Only file names containing this text (case does not matter); without a folder,"
                  + " every folder is searched")
          .optionalInteger("limit", "At most this many files (default 200)", 1, 5000)
          .optionalBoolean("refresh", "Ask ComfyUI again instead of using the cached lists")
          .build();

  public ListModelsTool(ModelCatalog models) {
    this.models = models;
  }

  @Override
  public String name() {
    return "list_models";
  }

  @Override
  public String description() {
    return "List ComfyUI's model folders, or the model files of one folder (checkpoints, loras,"
        + " vae, ...), optionally filtered by a part of the file name. Use the exact file names"
        + " as values of loader inputs such as ckpt_name or lora_name.";
  }

  @Override
  public ObjectNode inputSchema() {
    return schema;
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public ToolResult call(ObjectNode arguments, ToolContext context) {
    ToolArguments args = ToolArguments.of(arguments);
    Optional<String> folder = args.optionalString("folder").map(String::strip);
    Optional<String> filter = args.optionalString("filter").map(String::strip);
    int limit = args.optionalInt("limit", 1, 5000).orElse(DEFAULT_LIMIT);
    if (args.optionalBoolean("refresh").orElse(false)) {
      models.refresh();
    }
    if (folder.isPresent()) {
      return oneFolder(folder.get(), filter, limit);
    }
    if (filter.isPresent()) {
      return everyFolder(filter.get(), limit);
    }
    List<String> folders = models.folders();
    ObjectNode structured = JSON.objectNode();
    ArrayNode array = structured.putArray("folders");
    folders.forEach(array::add);
    return ToolResult.of(
        "ComfyUI has "
            + folders.size()
            + " model folders: "
            + String.join(", ", folders)
            + "\nPass folder to list its files, or filter to search every folder.",
        structured);
  }

  private ToolResult oneFolder(String folder, Optional<String> filter, int limit) {
    List<String> files = matching(models.files(folder), filter);
    StringBuilder text = new StringBuilder();
    text.append(folder)
        .append(": ")
        .append(files.size())
        .append(files.size() == 1 ? " file" : " files")
        .append(filter.map(f -> " matching \"" + f + "\"").orElse(""))
        .append(files.isEmpty() ? "" : ":")
        .append('\n');
    ArrayNode array = JSON.arrayNode();
    for (int i = 0; i < files.size() && i < limit; i++) {
      text.append("  ").append(files.get(i)).append('\n');
      array.add(files.get(i));
    }
    appendTruncation(text, files.size(), limit);
    ObjectNode structured = JSON.objectNode();
    structured.put("folder", folder);
    structured.put("total", files.size());
    structured.set("files", array);
    return ToolResult.of(text.toString().stripTrailing(), structured);
  }

  private ToolResult everyFolder(String filter, int limit) {
    List<String> found = new ArrayList<>();
    ArrayNode array = JSON.arrayNode();
    for (String folder : models.folders()) {
      for (String file : matching(models.files(folder), Optional.of(filter))) {
        found.add(folder + "/" + file);
        if (array.size() < limit) {
          ObjectNode item = array.addObject();
          item.put("folder", folder);
          item.put("file", file);
        }
      }
    }
    StringBuilder text = new StringBuilder();
    text.append(found.size())
        .append(found.size() == 1 ? " model file matches \"" : " model files match \"")
        .append(filter)
        .append('"')
        .append(found.isEmpty() ? " in any folder." : ":")
        .append('\n');
    for (int i = 0; i < found.size() && i < limit; i++) {
      text.append("  ").append(found.get(i)).append('\n');
    }
    appendTruncation(text, found.size(), limit);
    ObjectNode structured = JSON.objectNode();
    structured.put("filter", filter);
    structured.put("total", found.size());
    structured.set("files", array);
    return ToolResult.of(text.toString().stripTrailing(), structured);
  }

  private static void appendTruncation(StringBuilder text, int total, int limit) {
    if (total > limit) {
      text.append("  ... and ")
          .append(total - limit)
          .append(" more; pass a filter or a higher limit.\n");
    }
  }

  private static List<String> matching(List<String> files, Optional<String> filter) {
    if (filter.isEmpty()) {
      return files;
    }
    String needle = filter.get().toLowerCase(Locale.ROOT);
    return files.stream().filter(f -> f.toLowerCase(Locale.ROOT).contains(needle)).toList();
  }
}
