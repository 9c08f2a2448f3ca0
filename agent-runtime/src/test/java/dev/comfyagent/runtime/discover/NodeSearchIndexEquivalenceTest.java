package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The index ranks exactly as the ranking rules say, checked against {@link
 * ReferenceNodeSearchIndex}: an independent, deliberately naive implementation of those rules (a
 * linear scan of every node type per query, sharing no code with the index but {@link SearchText}'s
 * text cutting). Over a generated catalog in the naming styles of real packs (CamelCase, acronyms,
 * suffix tags, snake case, non-ASCII, names equal but for case, repeats across packs, long
 * descriptions with stop words), over ComfyUI's real {@code /object_info} excerpt beside a
 * generated Manager map, and over a catalog whose words start thousands of terms, every query of
 * thousands drawn from it (exact names, prefixes, words, substrings, typos, several words, misses)
 * gets the same matches: same node types, tiers, scores, order, installation, packs and
 * definitions.
 */
class NodeSearchIndexEquivalenceTest {

  /** Large enough for every naming style and tier; small enough for the naive scan. */
  private static final Catalog CATALOG = Catalog.generate(20260101L, 500, 4_000, 400);

  static Stream<Arguments> catalogs() {
    return Stream.of(
        Arguments.of("live catalog and Manager map", CATALOG.definitions, CATALOG.managerMap),
        Arguments.of("Manager map, ComfyUI never reached", null, CATALOG.managerMap),
        Arguments.of(
            "live catalog alone", CATALOG.definitions, ManagerNodeMap.none("not configured")),
        Arguments.of(
            "real /object_info excerpt and Manager map", realObjectInfo(), CATALOG.managerMap));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogs")
  void ranksEveryQueryAsTheReferenceIndexDoes(
      String name, NodeDefinitions live, ManagerNodeMap managerMap) {
    assertRanksAsTheReference(live, managerMap, CATALOG.queries(live, managerMap), 3_000);
  }

  /**
   * A query word that starts more than 4,096 terms is expanded to the first 4,096 of them only (the
   * rest would cost more than they add): both sides must cut at the same term.
   */
  @Test
  void cutsAWordStartingThousandsOfTermsWhereTheReferenceDoes() {
    ObjectNode objectInfo = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < 5_000; i++) {
      // zoo0000qqq... to zoo4999q: one term each, in number order, the later ones shorter, so
      // the best matches are the last ones before the cut and a cut elsewhere changes them.
      String name =
          String.format(java.util.Locale.ROOT, "zoo%04d", i) + "q".repeat(1 + (4_999 - i) / 50);
      ObjectNode node = objectInfo.putObject(name);
      node.putObject("input").putObject("required");
      node.putArray("output").add("IMAGE");
      node.put("display_name", name);
      node.put("category", "animals/keeper");
      node.put("description", "");
    }
    NodeDefinitions live = NodeDefinitions.parse(objectInfo);
    assertRanksAsTheReference(
        live,
        ManagerNodeMap.none("-"),
        List.of("zoo keeper", "keeper zoo", "zoo keepr", "zoo animals", "zoo4", "zo keeper"),
        5);
  }

  private static void assertRanksAsTheReference(
      NodeDefinitions live, ManagerNodeMap managerMap, List<String> queries, int atLeast) {
    NodeSearchIndex index = NodeSearchIndex.build(live, managerMap);
    ReferenceNodeSearchIndex reference = ReferenceNodeSearchIndex.build(live, managerMap);
    assertThat(index.size()).isEqualTo(reference.size());
    assertThat(index.installedCount()).isEqualTo(reference.installedCount());
    assertThat(index.hasLiveCatalog()).isEqualTo(reference.hasLiveCatalog());

    int compared = 0;
    int[] limits = {1, 5, 20, 60};
    for (String query : queries) {
      int limit = limits[compared % limits.length];
      boolean installedOnly = compared % 7 == 3;
      assertThat(index.search(query, limit, installedOnly))
          .as("%s, limit %d, installed only %s", query, limit, installedOnly)
          .isEqualTo(reference.search(query, limit, installedOnly));
      compared++;
    }
    assertThat(compared).isGreaterThan(atLeast);
  }

  private static NodeDefinitions realObjectInfo() {
    try (InputStream in =
        NodeSearchIndexEquivalenceTest.class.getResourceAsStream(
            "/catalog/object_info-core.json")) {
      return NodeDefinitions.parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void ranksEveryQueryOfTheHandWrittenFixturesAsTheReferenceIndexDoes() {
    NodeDefinitions live = DiscoverFixtures.definitions();
    ManagerNodeMap managerMap = DiscoverFixtures.managerMap();
    NodeSearchIndex index = NodeSearchIndex.build(live, managerMap);
    ReferenceNodeSearchIndex reference = ReferenceNodeSearchIndex.build(live, managerMap);
    List<String> queries =
        List.of(
            "KSampler",
            "ksampler",
            "Load Checkpoint",
            "KSamplerAdv",
            "load lora",
            "empty latent",
            "image upscale model",
            "textencode",
            "TextEncode",
            "conditioning denoise",
            "face detailer",
            "detailer face",
            "facedetailr",
            "ksamplr",
            "controlnet preprocessor canny",
            "upscale",
            "sampler",
            "image",
            "loaders",
            "latent banana",
            "SAMLoader",
            "impact",
            "wildcard",
            "the",
            "a b c d e f g h i j");
    for (String query : queries) {
      for (int limit : new int[] {1, 3, 10, 50}) {
        for (boolean installedOnly : new boolean[] {false, true}) {
          assertThat(index.search(query, limit, installedOnly))
              .as("%s, limit %d, installed only %s", query, limit, installedOnly)
              .isEqualTo(reference.search(query, limit, installedOnly));
        }
      }
    }
  }

  @Test
  void nameKeysOrderAsLengthThenCaseInsensitiveOrder() {
    List<String> names =
        List.of(
            "KSampler",
            "ksampler",
            "Ksampler",
            "KSAMPLER",
            "LoadImg",
            "loadimg",
            "Load_Im",
            "Load Im",
            "Load[Im",
            "Load{Im",
            "Load^Im",
            "Load`Im",
            "Load@Im",
            "Z",
            "a",
            "_",
            "[",
            "Ab",
            "aB",
            "ab",
            "ImageA",
            "imageb",
            "IMAGEc",
            "Image",
            "Imag",
            "",
            "~~~~~");
    for (String a : names) {
      for (String b : names) {
        long keyA = NameOrder.nameKey(a);
        long keyB = NameOrder.nameKey(b);
        assertThat(keyA).isNotNegative();
        if (keyA != keyB) {
          int expected =
              a.length() != b.length()
                  ? Integer.compare(a.length(), b.length())
                  : String.CASE_INSENSITIVE_ORDER.compare(a, b);
          assertThat(Integer.signum(Long.compare(keyA, keyB)))
              .as("%s vs %s", a, b)
              .isEqualTo(Integer.signum(expected));
        }
      }
    }
  }

  @Test
  void namesWithoutANameKeyAreTheLongAndTheNonAscii() {
    assertThat(NameOrder.nameKey("Größe")).isEqualTo(-1);
    assertThat(NameOrder.nameKey("İmage")).isEqualTo(-1);
    assertThat(NameOrder.nameKey("x".repeat(128))).isEqualTo(-1);
    assertThat(NameOrder.nameKey("Imageé")).isNotNegative();
    assertThat(NameOrder.nameKey("KSamplerA")).isEqualTo(NameOrder.nameKey("ksampXYZW"));
  }

  /** A generated catalog: a Manager map with a node list, and a live catalog overlapping it. */
  static final class Catalog {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String[] WORDS = {
      "image",
      "latent",
      "sampler",
      "upscale",
      "model",
      "clip",
      "vae",
      "lora",
      "controlnet",
      "mask",
      "face",
      "detailer",
      "prompt",
      "text",
      "encode",
      "decode",
      "load",
      "save",
      "preview",
      "batch",
      "resize",
      "crop",
      "blend",
      "noise",
      "seed",
      "scheduler",
      "conditioning",
      "combine",
      "switch",
      "string",
      "integer",
      "float",
      "math",
      "video",
      "frame",
      "audio",
      "depth",
      "pose",
      "segment",
      "detector",
      "refiner",
      "style",
      "color",
      "grain",
      "sharpen",
      "blur",
      "tile",
      "tiled",
      "inpaint",
      "outpaint",
      "checkpoint",
      "loader",
      "simple",
      "advanced",
      "custom",
      "apply",
      "merge",
      "split",
      "random",
      "counter",
      "wildcard",
      "embedding",
      "hypernetwork",
      "upscaler",
      "ultimate",
      "size",
      "width",
      "height",
      "ratio",
      "aspect",
      "canny",
      "lineart",
      "normal",
      "openpose",
      "preprocessor",
      "sdxl",
      "sd3",
      "flux",
      "ipadapter",
      "instantid",
      "animate",
      "diff",
      "motion",
      "context",
      "schedule",
      "keyframe",
      "interpolate",
      "rife",
      "film",
      "sam",
      "grounding",
      "dino",
      "florence",
      "caption",
      "tagger",
      "translate",
      "llm",
      "ollama",
      "node",
      "the",
      "of",
      "and",
      "with",
      "for"
    };

    private static final String[] ACRONYMS = {
      "VAE",
      "CLIP",
      "SDXL",
      "SD3",
      "IPAdapter",
      "SAM",
      "LLM",
      "RGB",
      "HSV",
      "LUT",
      "KSampler",
      "UNet"
    };

    private static final String[] TAGS = {"WAS", "Efficient", "pysssss", "rgthree", "mtb", "KJ"};

    private static final String[] NON_ASCII = {
      "Größe",
      "Bild",
      "İmage",
      "Ünïcode",
      "顔検出",
      "画像",
      "ΣΟΦΙΑ",
      "détail",
      "\uD83D\uDD25Fire",
      "ﬁlter",
      "Straße",
      "ǅemal"
    };

    final ManagerNodeMap managerMap;
    final NodeDefinitions definitions;

    /** The documents behind them: {@code /object_info} and the Manager's two files. */
    final ObjectNode objectInfo;

    final byte[] extensionNodeMap;
    final byte[] customNodeList;

    private final List<String> nodeNames = new ArrayList<>();
    private final List<String> extraWords = new ArrayList<>();
    private final long seed;

    private Catalog(
        long seed,
        ObjectNode objectInfo,
        byte[] extensionNodeMap,
        byte[] customNodeList,
        ManagerNodeMap managerMap) {
      this.seed = seed;
      this.objectInfo = objectInfo;
      this.extensionNodeMap = extensionNodeMap;
      this.customNodeList = customNodeList;
      this.managerMap = managerMap;
      this.definitions = NodeDefinitions.parse(objectInfo);
    }

    static Catalog generate(long seed, int packs, int nodeTypes, int liveClasses) {
      Random random = new Random(seed);
      List<String> invented = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        invented.add(inventedWord(random));
      }
      ObjectNode map = JSON.objectNode();
      ArrayNode list = JSON.objectNode().putArray("custom_nodes");
      List<String> provided = new ArrayList<>();
      int left = nodeTypes;
      for (int p = 0; p < packs; p++) {
        int size =
            p == packs - 1
                ? Math.max(1, left)
                : Math.max(1, Math.min(left - (packs - p - 1), tailSize(random)));
        left -= size;
        String author = word(random, invented) + (random.nextInt(3) == 0 ? "dev" : "");
        String title = packTitle(random, invented);
        String url = "https://github.com/" + author + "/" + title.replace(' ', '-');
        Set<String> nodes = new LinkedHashSet<>();
        while (nodes.size() < size) {
          boolean repeat = !provided.isEmpty() && random.nextInt(17) == 0;
          nodes.add(
              repeat ? provided.get(random.nextInt(provided.size())) : nodeName(random, invented));
        }
        provided.addAll(nodes);
        ArrayNode entry = map.putArray(url);
        ArrayNode types = entry.addArray();
        nodes.forEach(types::add);
        ObjectNode meta = entry.addObject();
        meta.put("title_aux", title);
        meta.put("author", author);
        if (random.nextInt(40) == 0) {
          meta.putArray("preemptions").add(nodes.iterator().next());
        }
        if (random.nextInt(3) != 0) {
          ObjectNode item = list.addObject();
          item.put("author", author);
          item.put("title", random.nextBoolean() ? title : packTitle(random, invented));
          item.put("id", title.toLowerCase(java.util.Locale.ROOT));
          item.put("reference", url);
          item.putArray("files").add(url);
          item.put("description", description(random, invented));
        }
      }
      ObjectNode objectInfo = JSON.objectNode();
      List<String> live = new ArrayList<>();
      for (int i = 0; i < liveClasses; i++) {
        // Half are installed packs' nodes (also in the map), half only ComfyUI's.
        String classType =
            i % 2 == 0 ? provided.get(random.nextInt(provided.size())) : nodeName(random, invented);
        if (objectInfo.has(classType)) {
          continue;
        }
        live.add(classType);
        ObjectNode node = objectInfo.putObject(classType);
        node.putObject("input").putObject("required");
        node.putArray("output").add("IMAGE");
        node.put(
            "display_name",
            switch (random.nextInt(4)) {
              case 0 -> classType;
              case 1 -> spaced(classType);
              case 2 -> nodeName(random, invented);
              default -> spaced(classType) + " (" + TAGS[random.nextInt(TAGS.length)] + ")";
            });
        node.put(
            "category",
            random.nextInt(10) == 0
                ? ""
                : word(random, invented)
                    + "/"
                    + word(random, invented)
                    + " "
                    + word(random, invented));
        node.put("description", random.nextInt(5) == 0 ? "" : description(random, invented));
      }
      try {
        byte[] mapBytes = MAPPER.writeValueAsBytes(map);
        byte[] listBytes = MAPPER.writeValueAsBytes(JSON.objectNode().set("custom_nodes", list));
        ManagerNodeMap managerMap =
            ManagerNodeMap.parse(
                new ByteArrayInputStream(mapBytes), new ByteArrayInputStream(listBytes));
        Catalog catalog = new Catalog(seed, objectInfo, mapBytes, listBytes, managerMap);
        catalog.nodeNames.addAll(new LinkedHashSet<>(provided));
        catalog.nodeNames.addAll(live);
        catalog.extraWords.addAll(invented);
        return catalog;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Queries drawn from what the index holds, of every kind a user types. */
    List<String> queries(NodeDefinitions live, ManagerNodeMap map) {
      Random random = new Random(seed + 1);
      List<String> names = new ArrayList<>();
      if (live != null) {
        live.all().forEach(d -> names.add(d.classType()));
        live.all().forEach(d -> names.add(d.displayName()));
      }
      map.packs().forEach(p -> names.addAll(p.nodeTypes()));
      List<String> queries = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        String name = names.get(random.nextInt(names.size()));
        String key = SearchText.key(name);
        List<String> tokens = SearchText.tokens(name);
        String token = tokens.isEmpty() ? "x" : tokens.get(random.nextInt(tokens.size()));
        queries.add(name);
        queries.add(name.toLowerCase(java.util.Locale.ROOT));
        queries.add(key.isEmpty() ? name : key.substring(0, 1 + random.nextInt(key.length())));
        if (key.length() > 6) {
          int from = 1 + random.nextInt(key.length() - 5);
          queries.add(key.substring(from, Math.min(key.length(), from + 5 + random.nextInt(6))));
        }
        queries.add(token);
        queries.add(typo(random, token));
        queries.add(typo(random, key));
        String other = word(random, extraWords);
        queries.add(token + " " + WORDS[random.nextInt(WORDS.length)]);
        queries.add(WORDS[random.nextInt(WORDS.length)] + " " + typo(random, token) + " " + other);
        queries.add(token + " zzqxv");
        queries.add(String.join(" ", tokens));
      }
      for (int i = 0; i < 200; i++) {
        queries.add(WORDS[random.nextInt(WORDS.length)]);
        queries.add(typo(random, WORDS[random.nextInt(WORDS.length)]));
        String start = word(random, extraWords);
        queries.add(start.substring(0, Math.min(3, start.length())));
        queries.add(NON_ASCII[random.nextInt(NON_ASCII.length)]);
      }
      queries.addAll(
          List.of(
              "the",
              "the of and",
              "node",
              "a",
              "ab",
              "abc",
              "  --- ",
              "→",
              "9",
              "sd3",
              "SD3Loader",
              "vae decode tiled",
              "ΣΟΦΙΑ",
              "İmage",
              "straße",
              "STRASSE",
              "ﬁlter",
              "one two three four five six seven eight nine ten eleven",
              "imagelatentsamplerupscalemodelclipvaeloramask",
              "Image Resize (WAS)",
              "ShowText|pysssss",
              "easy kSampler",
              "CR Upscale Image"));
      return queries;
    }

    private static int tailSize(Random random) {
      int roll = random.nextInt(100);
      if (roll < 50) {
        return 1 + random.nextInt(4);
      }
      if (roll < 90) {
        return 4 + random.nextInt(12);
      }
      if (roll < 99) {
        return 16 + random.nextInt(60);
      }
      return 100 + random.nextInt(300);
    }

    private static String nodeName(Random random, List<String> invented) {
      int parts = 1 + random.nextInt(4);
      List<String> words = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        words.add(word(random, invented));
      }
      if (random.nextInt(150) == 0) {
        // Names past the 127 chars a name key holds.
        return camel(words) + "Extra".repeat(26 + random.nextInt(3));
      }
      if (random.nextInt(60) == 0) {
        // Names equal but for case to another node's.
        return camel(words).toUpperCase(java.util.Locale.ROOT);
      }
      return switch (random.nextInt(12)) {
        case 0, 1, 2 -> camel(words);
        case 3 -> spaced(camel(words)) + " (" + TAGS[random.nextInt(TAGS.length)] + ")";
        case 4 -> "CR " + spaced(camel(words));
        case 5 -> "easy " + words.get(0) + capitalize(camel(words.subList(1, words.size())));
        case 6 -> camel(words) + "|" + TAGS[random.nextInt(TAGS.length)];
        case 7 -> ACRONYMS[random.nextInt(ACRONYMS.length)] + camel(words);
        case 8 -> String.join("_", words);
        case 9 -> NON_ASCII[random.nextInt(NON_ASCII.length)] + " " + camel(words);
        case 10 -> camel(words).toLowerCase(java.util.Locale.ROOT);
        default -> camel(words) + (1 + random.nextInt(3)) + (random.nextBoolean() ? "V2" : "XL");
      };
    }

    private static String packTitle(Random random, List<String> invented) {
      return switch (random.nextInt(4)) {
        case 0 -> "ComfyUI-" + capitalize(word(random, invented));
        case 1 -> capitalize(word(random, invented)) + " Node Suite";
        case 2 -> "comfyui_" + word(random, invented) + "_" + word(random, invented);
        default -> capitalize(word(random, invented)) + " " + NON_ASCII[random.nextInt(3)];
      };
    }

    private static String description(Random random, List<String> invented) {
      int words = random.nextInt(10) == 0 ? 70 + random.nextInt(40) : 3 + random.nextInt(20);
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < words; i++) {
        String w = word(random, invented);
        if (random.nextInt(8) == 0) {
          w = capitalize(w);
        }
        if (random.nextInt(40) == 0) {
          w = NON_ASCII[random.nextInt(NON_ASCII.length)];
        }
        text.append(i == 0 ? "" : random.nextInt(10) == 0 ? ", " : " ").append(w);
      }
      return text.append('.').toString();
    }

    private static String word(Random random, List<String> invented) {
      return random.nextInt(3) == 0
          ? invented.get(random.nextInt(invented.size()))
          : WORDS[random.nextInt(WORDS.length)];
    }

    private static String inventedWord(Random random) {
      String letters = "abcdefghiklmnoprstuvyz";
      int length = 3 + random.nextInt(8);
      StringBuilder w = new StringBuilder();
      for (int i = 0; i < length; i++) {
        w.append(letters.charAt(random.nextInt(letters.length())));
      }
      return w.toString();
    }

    private static String typo(Random random, String word) {
      if (word.length() < 3) {
        return word + "e";
      }
      char[] chars = word.toCharArray();
      int at = random.nextInt(chars.length - 1);
      return switch (random.nextInt(3)) {
        case 0 -> word.substring(0, at) + word.substring(at + 1);
        case 1 -> {
          char t = chars[at];
          chars[at] = chars[at + 1];
          chars[at + 1] = t;
          yield new String(chars);
        }
        default -> word.substring(0, at) + "q" + word.substring(at + 1);
      };
    }

    private static String camel(List<String> words) {
      StringBuilder name = new StringBuilder();
      words.forEach(w -> name.append(capitalize(w)));
      return name.toString();
    }

    private static String spaced(String camel) {
      return String.join(
          " ", SearchText.camelParts(camel).stream().map(Catalog::capitalize).toList());
    }

    private static String capitalize(String w) {
      return w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }
  }
}
