package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.benchmarks.data.NodeClassSpec.Input;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates large ComfyUI workflows in API format that ComfyUI would accept: every link points to
 * an earlier node's existing output of the input's type, every required input is set, and every
 * literal is within its input's bounds or choices.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * List<NodeClassSpec> classes = ObjectInfoGenerator.classes(42);
 * ObjectNode graph = ApiGraphGenerator.generate(classes, 500, 7);   // ids "1".."500"
 * }</pre>
 *
 * <p>Nodes are added in id order and only link to lower ids, so the graph is acyclic. Most nodes
 * consume something built before them (chains, fan-out from loaders), a few widget inputs are fed
 * by links from nodes that output {@code INT}, {@code FLOAT} or {@code STRING} (converted widgets),
 * and about half of the optional inputs are set. Deterministic for the same classes and seed.
 * Stateless and thread-safe.
 */
public final class ApiGraphGenerator {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ApiGraphGenerator() {}

  /**
   * A valid graph of {@code nodes} nodes built from {@code classes}.
   *
   * @throws IllegalArgumentException when the classes contain no node that needs no link (nothing
   *     to start a graph from)
   */
  public static ObjectNode generate(List<NodeClassSpec> classes, int nodes, long seed) {
    Random random = new Random(seed);
    Providers providers = new Providers();
    ObjectNode graph = JSON.objectNode();
    for (int id = 1; id <= nodes; id++) {
      NodeClassSpec chosen = choose(random, classes, providers);
      String nodeId = Integer.toString(id);
      ObjectNode node = graph.putObject(nodeId);
      ObjectNode inputs = node.putObject("inputs");
      for (Input input : chosen.required()) {
        inputs.set(input.name(), valueFor(random, input, providers, true));
      }
      for (Input input : chosen.optional()) {
        if (random.nextBoolean()) {
          JsonNode value = valueFor(random, input, providers, false);
          if (value != null) {
            inputs.set(input.name(), value);
          }
        }
      }
      node.put("class_type", chosen.name());
      node.putObject("_meta").put("title", chosen.displayName());
      for (int out = 0; out < chosen.outputs().size(); out++) {
        providers.add(chosen.outputs().get(out).type(), nodeId, out);
      }
    }
    return graph;
  }

  private static NodeClassSpec choose(
      Random random, List<NodeClassSpec> classes, Providers providers) {
    List<NodeClassSpec> buildable = new ArrayList<>();
    List<NodeClassSpec> consumers = new ArrayList<>();
    for (NodeClassSpec c : classes) {
      boolean ok = true;
      boolean consumes = false;
      for (Input in : c.required()) {
        if (!in.isWidget()) {
          consumes = true;
          ok &= providers.has(in.type());
        }
      }
      if (ok) {
        buildable.add(c);
        if (consumes) {
          consumers.add(c);
        }
      }
    }
    if (buildable.isEmpty()) {
      throw new IllegalArgumentException("no node type can start a graph: all need a link");
    }
    // Prefer nodes that consume what was built, so the graph is one pipeline, not loose loaders.
    List<NodeClassSpec> from =
        !consumers.isEmpty() && random.nextInt(10) < 8 ? consumers : buildable;
    return from.get(random.nextInt(from.size()));
  }

  /** A link or a literal for the input; {@code null} when an optional link has no provider. */
  private static JsonNode valueFor(
      Random random, Input input, Providers providers, boolean required) {
    if (input.isWidget()) {
      boolean convertible =
          switch (input.type()) {
            case "INT", "FLOAT", "STRING" -> true;
            default -> false;
          };
      if (convertible && providers.has(input.type()) && random.nextInt(10) == 0) {
        return providers.link(random, input.type());
      }
      return input.validLiteral(random);
    }
    String type = "*".equals(input.type()) ? providers.anyType(random) : input.type();
    if (type == null || !providers.has(type)) {
      if (required) {
        throw new IllegalStateException("no provider of " + input.type() + " for " + input.name());
      }
      return null;
    }
    return providers.link(random, type);
  }

  /** Outputs built so far, by type. */
  private static final class Providers {
    private final Map<String, List<ArrayNode>> byType = new HashMap<>();
    private final List<String> types = new ArrayList<>();

    void add(String type, String nodeId, int output) {
      ArrayNode link = JSON.arrayNode().add(nodeId).add(output);
      byType
          .computeIfAbsent(
              type,
              t -> {
                types.add(t);
                return new ArrayList<>();
              })
          .add(link);
    }

    boolean has(String type) {
      return byType.containsKey(type);
    }

    String anyType(Random random) {
      return types.isEmpty() ? null : types.get(random.nextInt(types.size()));
    }

    ArrayNode link(Random random, String type) {
      List<ArrayNode> all = byType.get(type);
      // Mostly the recent outputs (chains), sometimes an early one (a shared loader).
      int index =
          random.nextInt(10) < 7
              ? all.size() - 1 - random.nextInt(Math.min(all.size(), 8))
              : random.nextInt(all.size());
      return all.get(index).deepCopy();
    }
  }
}
