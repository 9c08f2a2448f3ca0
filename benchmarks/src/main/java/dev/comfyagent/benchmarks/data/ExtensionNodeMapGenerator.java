package dev.comfyagent.benchmarks.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generates a ComfyUI-Manager {@code extension-node-map.json} of the real catalog's size and shape:
 * {@code {"<repository url>": [["<node type>", ...], {"title_aux": ..., "author": ..., ...}]}}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * ObjectNode map = ExtensionNodeMapGenerator.generate(42);    // 5,600 packs, 40,000 node types
 * byte[] file = new ObjectMapper().writeValueAsBytes(map);    // ~1.5 MB, as Manager ships it
 * }</pre>
 *
 * <p>Pack sizes follow the long tail of the real map (most packs have a handful of nodes, a few
 * have hundreds), some entries repeat a type another pack provides (about 6%: generic names such as
 * {@code LoadImageBatch} collide as they do in the real map, plus deliberate copies), and a few
 * packs carry {@code nodename_pattern} or {@code preemptions}. Deterministic for a seed. Stateless
 * and thread-safe.
 */
public final class ExtensionNodeMapGenerator {

  /** Packs in the real map (ComfyUI-Manager, 2025). */
  public static final int PACKS = 5_600;

  /** Node types in the real map, counted over all packs. */
  public static final int NODE_TYPES = 40_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ExtensionNodeMapGenerator() {}

  /** The real map's size: {@value #PACKS} packs, {@value #NODE_TYPES} node types. */
  public static ObjectNode generate(long seed) {
    return generate(seed, PACKS, NODE_TYPES);
  }

  /**
   * A map with exactly {@code packs} packs and {@code nodeTypes} node type entries in all.
   *
   * @throws IllegalArgumentException when there are fewer node types than packs (every pack
   *     provides at least one)
   */
  public static ObjectNode generate(long seed, int packs, int nodeTypes) {
    if (packs < 1 || nodeTypes < packs) {
      throw new IllegalArgumentException(
          "need at least one pack and one node type per pack, got "
              + packs
              + " packs and "
              + nodeTypes
              + " node types");
    }
    Random random = new Random(seed);
    NodePackNames names = new NodePackNames(random);
    int[] sizes = packSizes(random, packs, nodeTypes);
    List<String> provided = new ArrayList<>(nodeTypes);
    ObjectNode map = JSON.objectNode();
    for (int p = 0; p < packs; p++) {
      NodePackNames.Pack pack = names.nextPack();
      Set<String> nodes = new LinkedHashSet<>();
      while (nodes.size() < sizes[p]) {
        // About one entry in a hundred repeats a type another pack provides (real conflicts).
        boolean conflict = !provided.isEmpty() && random.nextInt(100) == 0;
        nodes.add(conflict ? provided.get(random.nextInt(provided.size())) : names.nodeName(pack));
      }
      provided.addAll(nodes);
      ArrayNode entry = map.putArray(pack.url());
      ArrayNode types = entry.addArray();
      nodes.forEach(types::add);
      entry.add(metadata(random, pack, nodes));
    }
    return map;
  }

  private static ObjectNode metadata(Random random, NodePackNames.Pack pack, Set<String> nodes) {
    ObjectNode meta = JSON.objectNode();
    if (random.nextInt(3) > 0) {
      meta.put("author", pack.author());
    }
    if (random.nextInt(5) == 0) {
      meta.put("nickname", pack.title());
    }
    switch (pack.style()) {
      case SUFFIX_TAG -> meta.put("nodename_pattern", " \\(" + pack.tag() + "\\)$");
      case PIPE_TAG -> meta.put("nodename_pattern", "\\|" + pack.tag() + "$");
      default -> {}
    }
    if (random.nextInt(100) == 0) {
      ArrayNode preemptions = meta.putArray("preemptions");
      nodes.stream().limit(2).forEach(preemptions::add);
    }
    if (random.nextInt(10) == 0) {
      meta.put("title", pack.title());
    }
    meta.put("title_aux", pack.repository());
    return meta;
  }

  /** Long-tailed sizes, at least one each, adding up to exactly {@code total}. */
  static int[] packSizes(Random random, int packs, int total) {
    int[] sizes = new int[packs];
    double mean = (double) total / packs;
    // Log-normal with sigma 1.2: median about a third of the mean, a tail of packs with hundreds.
    double sigma = 1.2;
    double mu = Math.log(mean) - sigma * sigma / 2;
    long sum = 0;
    for (int i = 0; i < packs; i++) {
      double draw = Math.exp(mu + sigma * random.nextGaussian());
      sizes[i] = (int) Math.max(1, Math.min(450, Math.round(draw)));
      sum += sizes[i];
    }
    while (sum != total) {
      int i = random.nextInt(packs);
      if (sum < total) {
        sizes[i]++;
        sum++;
      } else if (sizes[i] > 1) {
        sizes[i]--;
        sum--;
      }
    }
    return sizes;
  }
}
