package dev.comfyagent.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One queued prompt, as ComfyUI keeps it: {@code (number, prompt_id, prompt, extra_data,
 * outputs_to_execute)}. {@link #toJson()} is the item shape of {@code GET /queue} and of {@code
 * prompt} in {@code GET /history}.
 *
 * @param number the queue position ComfyUI gave it (smaller runs first)
 * @param promptId the id clients follow it by
 * @param prompt the workflow in API format
 * @param extraData {@code extra_data}, with {@code client_id} when the client sent one
 * @param outputsToExecute the output nodes that passed validation
 */
record QueueItem(
    long number,
    String promptId,
    ObjectNode prompt,
    ObjectNode extraData,
    List<String> outputsToExecute) {

  /** The client to send this run's messages to, or {@code null}. */
  String clientId() {
    return extraData.hasNonNull("client_id") ? extraData.get("client_id").asText() : null;
  }

  ArrayNode toJson() {
    ArrayNode item = JsonNodeFactory.instance.arrayNode();
    item.add(number);
    item.add(promptId);
    item.add(prompt.deepCopy());
    item.add(extraData.deepCopy());
    ArrayNode outputs = item.addArray();
    outputsToExecute.forEach(outputs::add);
    return item;
  }
}
