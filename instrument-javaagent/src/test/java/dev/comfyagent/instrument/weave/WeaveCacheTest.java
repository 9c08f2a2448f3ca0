package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.runtime.tool.Tool;
import dev.comfyagent.weavefixtures.FixtureTool;
import dev.comfyagent.weavefixtures.InheritingTool;
import dev.comfyagent.weavefixtures.ToolBase;
import io.modelcontextprotocol.server.McpAsyncServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weave cache serves a class exactly as live weaving did, and nothing it was not recorded for:
 * another class file, another rule set, another class-loader answer or a supertype that changed all
 * weave live.
 */
class WeaveCacheTest {

  private static final ClassLoader LOADER = WeaveCacheTest.class.getClassLoader();
  private static final List<WeaveTarget> TARGETS =
      List.of(new RuntimeToolWeave(), new SdkToolCallWeave());

  private final AgentHealth health = new AgentHealth(false);
  private final LoaderClassFiles files = new LoaderClassFiles();
  private final Weaver weaver = new Weaver(health, LOADER, false);
  private final WeaveRules rules = weaver.rules(TARGETS);

  @TempDir Path dir;

  @Test
  void aRecordedClassIsServedTheBytesLiveWeavingGaveItWithoutWeavingLive() throws IOException {
    Path file = dir.resolve("startup.weaves");
    AdviceWeaving recording = recording(file);
    byte[] live = weave(recording, FixtureTool.class);
    assertThat(live).as("the fixture tool is woven").isNotNull();
    assertThat(recording.wovenLive()).isTrue();

    AdviceWeaving cached = cachedFrom(file);
    byte[] served = weave(cached, FixtureTool.class);

    assertThat(served).isEqualTo(live);
    assertThat(cached.wovenLive()).as("Byte Buddy never asked").isFalse();
    assertThat(health.classesInstrumented()).isEqualTo(2);
  }

  @Test
  void aClassLeftUnchangedIsRecordedAsUnchangedAndServedSo() throws IOException {
    Path file = dir.resolve("startup.weaves");
    // The Tool interface itself passes the name filter (a subtype rule names it) but is not woven.
    assertThat(weave(recording(file), Tool.class)).isNull();

    AdviceWeaving cached = cachedFrom(file);
    assertThat(weave(cached, Tool.class)).isNull();
    assertThat(cached.wovenLive()).isFalse();
  }

  @Test
  void anotherClassFileUnderARecordedNameIsWovenLive() throws IOException {
    Path file = dir.resolve("startup.weaves");
    weave(recording(file), FixtureTool.class);
    byte[] original = classFile(FixtureTool.class);

    // One letter of its source file's name changed: the same length, another checksum.
    byte[] changed = original.clone();
    int at = indexOf(changed, "FixtureTool.java".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(at).isPositive();
    changed[at] = 'G';
    AdviceWeaving cached = cachedFrom(file);
    assertThat(cached.transform(LOADER, internal(FixtureTool.class), null, null, changed))
        .isNotNull();
    assertThat(cached.wovenLive()).isTrue();

    AdviceWeaving same = cachedFrom(file);
    weave(same, FixtureTool.class);
    assertThat(same.wovenLive()).as("the recorded class file itself hits").isFalse();
  }

  @Test
  void aCacheRecordedForOtherRulesIsNotUsed() throws IOException {
    Path file = dir.resolve("startup.weaves");
    weave(recording(file), FixtureTool.class);
    WeaveRules fewer = weaver.rules(List.of(new RuntimeToolWeave()));

    try (InputStream in = Files.newInputStream(file)) {
      assertThat(WeaveCache.read(in, fewer.fingerprint()).isEmpty()).isTrue();
    }
    try (InputStream in = Files.newInputStream(file)) {
      assertThat(WeaveCache.read(in, rules.fingerprint()).isEmpty()).isFalse();
    }
  }

  @Test
  void theFingerprintNamesTheRulesAdviceAndLoaderMatchers() {
    String fingerprint = rules.fingerprint();
    assertThat(fingerprint)
        .contains(Tool.class.getName())
        .contains(RuntimeToolWeave.CallAdvice.class.getName())
        .contains(SdkToolCallWeave.HandlerAdvice.class.getName())
        .contains("seesClassFile(dev/comfyagent/runtime/tool/Tool.class)")
        .doesNotContain("@"); // no identity hash: it must read the same in every JVM
    assertThat(weaver.rules(TARGETS).fingerprint()).isEqualTo(fingerprint);
  }

  @Test
  void aSupertypeThatChangedMakesTheRecordMiss() throws IOException {
    Path file = dir.resolve("startup.weaves");
    assertThat(weave(recording(file), InheritingTool.class))
        .as("a tool by its superclass")
        .isNotNull();
    WeaveCache cache;
    try (InputStream in = Files.newInputStream(file)) {
      cache = WeaveCache.read(in, rules.fingerprint());
    }
    byte[] classFile = classFile(InheritingTool.class);
    String name = InheritingTool.class.getName();
    long everyLoader = recording(dir.resolve("unused")).loaderMaskFor(LOADER, name);
    assertThat(cache.find(name, classFile, everyLoader, LOADER, files)).isNotNull();

    // The same class file in a loader whose superclass is another class file...
    String base = internal(ToolBase.class) + ".class";
    ClassLoader otherBase = new ServingLoader(Map.of(base, classFile(FixtureTool.class)));
    assertThat(cache.find(name, classFile, everyLoader, otherBase, files)).isNull();
    // ...or that has none.
    Map<String, byte[]> withoutBase = new java.util.HashMap<>();
    withoutBase.put(base, null);
    assertThat(cache.find(name, classFile, everyLoader, new ServingLoader(withoutBase), files))
        .isNull();
  }

  @Test
  void aLoaderThatARuleAnswersOtherwiseMakesTheRecordMiss() throws IOException {
    Path file = dir.resolve("startup.weaves");
    weave(recording(file), FixtureTool.class);
    WeaveCache cache;
    try (InputStream in = Files.newInputStream(file)) {
      cache = WeaveCache.read(in, rules.fingerprint());
    }
    byte[] classFile = classFile(FixtureTool.class);
    long mask = recording(dir.resolve("unused")).loaderMaskFor(LOADER, FixtureTool.class.getName());
    assertThat(mask).as("the runtime's tool rule takes the fixture tool in").isNotZero();
    for (int rule = 0; rule < rules.rules().size(); rule++) {
      long oneOtherAnswer = mask ^ (1L << rule);
      assertThat(cache.find(FixtureTool.class.getName(), classFile, oneOtherAnswer, LOADER, files))
          .as("rule %d answered otherwise", rule)
          .isNull();
    }
  }

  @Test
  void anSdkClassRecordedUnderTheRuntimeIsServedInAServerThatIsNotTheRuntime() throws IOException {
    Path file = dir.resolve("startup.weaves");
    assertThat(weave(recording(file), McpAsyncServer.class)).isNotNull();
    Map<String, byte[]> withoutRuntime = new java.util.HashMap<>();
    withoutRuntime.put("dev/comfyagent/runtime/tool/Tool.class", null);
    ClassLoader otherServer = new ServingLoader(withoutRuntime);

    AdviceWeaving cached = cachedFrom(file);
    String name = McpAsyncServer.class.getName();
    assertThat(cached.loaderMaskFor(otherServer, name))
        .as("the runtime's rules, which cannot name an SDK class, leave its mask alone")
        .isEqualTo(cached.loaderMaskFor(LOADER, name));
    assertThat(
            cached.transform(
                otherServer,
                internal(McpAsyncServer.class),
                null,
                null,
                classFile(McpAsyncServer.class)))
        .isNotNull();
    assertThat(cached.wovenLive()).isFalse();
  }

  @Test
  void aClassNoRuleCanTakeInWithinItsLoaderIsPassedOverWithoutByteBuddy() throws IOException {
    Map<String, byte[]> withoutRuntime = new java.util.HashMap<>();
    withoutRuntime.put("dev/comfyagent/runtime/tool/Tool.class", null);
    ClassLoader otherServer = new ServingLoader(withoutRuntime);
    AdviceWeaving weaving = weaver.weaving(rules, WeaveCache.NONE, null);

    assertThat(weaving.loaderMaskFor(otherServer, FixtureTool.class.getName())).isZero();
    assertThat(
            weaving.transform(
                otherServer, internal(FixtureTool.class), null, null, classFile(FixtureTool.class)))
        .isNull();
    assertThat(weaving.wovenLive()).isFalse();
    assertThat(weave(weaving, FixtureTool.class)).as("where the runtime is").isNotNull();
  }

  @Test
  void theToolCallPathsAClassGaveAreCountedAgainWhenItIsServedFromTheCache() throws IOException {
    Path file = dir.resolve("startup.weaves");
    int before = JoinPointFound.toolCallPaths();
    assertThat(weave(recording(file), McpAsyncServer.class)).isNotNull();
    int paths = JoinPointFound.toolCallPaths() - before;
    assertThat(paths).as("SDK 2.1.0's handler lambda is a tool-call path").isPositive();

    AdviceWeaving cached = cachedFrom(file);
    int beforeHit = JoinPointFound.toolCallPaths();
    weave(cached, McpAsyncServer.class);

    assertThat(cached.wovenLive()).isFalse();
    assertThat(JoinPointFound.toolCallPaths() - beforeHit).isEqualTo(paths);
  }

  @Test
  void twoRunsThatWoveInAnotherOrderRecordTheSameFile() throws IOException {
    Path first = dir.resolve("first.weaves");
    Path second = dir.resolve("second.weaves");
    AdviceWeaving one = recording(first);
    weave(one, FixtureTool.class);
    weave(one, Tool.class);
    weave(one, FixtureTool.class); // again (a retransformation): recorded once
    AdviceWeaving other = recording(second);
    weave(other, Tool.class);
    weave(other, FixtureTool.class);

    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
  }

  @Test
  void aDamagedOrMissingCacheServesNothingAndLosesNothing() throws IOException {
    Path file = dir.resolve("startup.weaves");
    weave(recording(file), FixtureTool.class);
    byte[] whole = Files.readAllBytes(file);
    byte[] truncated = Arrays.copyOf(whole, whole.length - 10);

    ClassLoader damaged = new ServingLoader(Map.of(WeaveCache.RESOURCE, truncated));
    assertThat(WeaveCache.load(damaged, rules.fingerprint()).isEmpty()).isTrue();
    ClassLoader none = new ServingLoader(Map.of());
    assertThat(WeaveCache.load(none, rules.fingerprint()).isEmpty()).isTrue();
    ClassLoader intact = new ServingLoader(Map.of(WeaveCache.RESOURCE, whole));
    assertThat(WeaveCache.load(intact, rules.fingerprint()).isEmpty()).isFalse();

    AdviceWeaving weaving = weaver.weaving(rules, WeaveCache.NONE, null);
    assertThat(weave(weaving, FixtureTool.class)).isNotNull();
    assertThat(weaving.wovenLive()).isTrue();
  }

  private AdviceWeaving recording(Path file) {
    return weaver.weaving(
        rules, WeaveCache.NONE, new WeaveCache.Recorder(file, rules.fingerprint()));
  }

  private AdviceWeaving cachedFrom(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      WeaveCache cache = WeaveCache.read(in, rules.fingerprint());
      assertThat(cache.isEmpty()).isFalse();
      return weaver.weaving(rules, cache, null);
    }
  }

  private static byte[] weave(AdviceWeaving weaving, Class<?> type) throws IOException {
    return weaving.transform(LOADER, internal(type), null, null, classFile(type));
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(internal(type) + ".class")) {
      return in.readAllBytes();
    }
  }

  /**
   * Serves the given resources (a null value: none), and everything else as the test's loader does.
   */
  private static final class ServingLoader extends ClassLoader {
    private final Map<String, byte[]> served;

    ServingLoader(Map<String, byte[]> served) {
      super(LOADER);
      this.served = new java.util.HashMap<>(served);
    }

    @Override
    public java.net.URL getResource(String name) {
      if (served.containsKey(name) && served.get(name) == null) {
        return null;
      }
      return super.getResource(name);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      if (served.containsKey(name)) {
        byte[] bytes = served.get(name);
        return bytes == null ? null : new ByteArrayInputStream(bytes);
      }
      return super.getResourceAsStream(name);
    }
  }
}
