package dev.comfyagent.runtime.discover;

import java.util.List;
import java.util.Optional;

/**
 * One node type of the catalog, parsed from an {@code /object_info} entry.
 *
 * @param classType the class name used as {@code class_type} in workflows
 * @param displayName the name shown in ComfyUI's menus
 * @param category the menu category, such as {@code sampling} or {@code loaders}
 * @param description what the node does, possibly empty
 * @param pythonModule where it is implemented ({@code nodes}, {@code custom_nodes.X}), possibly
 *     empty
 * @param outputNode whether it is an output node (a render target such as SaveImage)
 * @param inputs required inputs, then optional, then hidden, each group in ComfyUI's {@code
 *     input_order} (the order of widget values in UI-format workflows)
 * @param outputs output slots by index
 */
public record NodeDefinition(
    String classType,
    String displayName,
    String category,
    String description,
    String pythonModule,
    boolean outputNode,
    List<InputSpec> inputs,
    List<OutputSpec> outputs) {

  public NodeDefinition {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** The input of that name, if declared. */
  public Optional<InputSpec> input(String name) {
    for (InputSpec input : inputs) {
      if (input.name().equals(name)) {
        return Optional.of(input);
      }
    }
    return Optional.empty();
  }

  /** The output slot at {@code index}, if there is one. */
  public Optional<OutputSpec> output(int index) {
    return index >= 0 && index < outputs.size()
        ? Optional.of(outputs.get(index))
        : Optional.empty();
  }
}
