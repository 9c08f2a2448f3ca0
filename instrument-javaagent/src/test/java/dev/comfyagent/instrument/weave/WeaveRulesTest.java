package dev.comfyagent.instrument.weave;

import static dev.comfyagent.instrument.weave.ClassNameFilterTest.rulesOf;
import static net.bytebuddy.matcher.ElementMatchers.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.instrument.config.ToolPattern;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.weavefixtures.FixtureTool;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.modelcontextprotocol.server.McpAsyncServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * A weave target names its classes once, in its rules; the {@link ClassNameFilter} in front of Byte
 * Buddy is made from the same names. These tests show that a rule cannot match a class its names
 * leave out, and that the filter lets through every class a shipped rule matches in the libraries
 * the agent weaves.
 */
class WeaveRulesTest {

  private static final ClassLoader LOADER = WeaveRulesTest.class.getClassLoader();

  @Test
  void aRuleMatchesNoClassOutsideTheNamesItGivesWhateverItsNarrowerSays() {
    WeaveRules rules = rulesOf();
    rules.classes("com.acme.Server").that(any()).transform(advice());
    WeaveRules.Rule rule = rules.rules().get(0);

    assertThat(rule.matches(TypeDescription.ForLoadedType.of(FixtureTool.class), LOADER)).isFalse();
    ClassNameFilter filter = ClassNameFilter.of(rules);
    assertThat(filter.exactNames()).containsExactly("com/acme/Server");
    assertThat(filter.considers(internal(FixtureTool.class), null)).isFalse();
  }

  @Test
  void aNarrowerNarrowsTheNamedClasses() {
    WeaveRules rules = rulesOf();
    rules
        .classesUnder("dev.comfyagent.weavefixtures.")
        .that(net.bytebuddy.matcher.ElementMatchers.named(FixtureTool.class.getName()))
        .transform(advice());
    WeaveRules.Rule rule = rules.rules().get(0);

    assertThat(rule.matches(TypeDescription.ForLoadedType.of(FixtureTool.class), LOADER)).isTrue();
    assertThat(
            rule.matches(
                TypeDescription.ForLoadedType.of(dev.comfyagent.weavefixtures.TileCache.class),
                LOADER))
        .isFalse();
  }

  @Test
  void aRuleMustNameItsClasses() {
    WeaveRules rules = rulesOf();

    assertThatThrownBy(rules::classes).hasMessageContaining("names at least one class");
    assertThatThrownBy(() -> rules.classesUnder(""))
        .hasMessageContaining("a prefix that names every class");
  }

  @Test
  void everyClassAShippedRuleMatchesIsConsideredByTheFilter() throws Exception {
    WeaveRules rules =
        rulesOf(
            new RuntimeToolWeave(),
            new SdkToolCallWeave(),
            new SdkSyncToolWeave(),
            new SdkRequestIdWeave(),
            new SdkServerFeaturesWeave(),
            new SdkSessionsWeave(),
            new CircuitBreakerWeave(),
            new RateLimiterWeave(),
            new SessionRegistryWeave(),
            new InstanceCaptureWeave(Set.of(SessionRegistry.class.getName()), true),
            new PatternToolWeave(ToolPattern.parse("dev.comfyagent.weavefixtures.*#*"), false),
            new PatternToolWeave(
                ToolPattern.parse("dev.comfyagent.runtime.tool.ToolRegistry#register"), true),
            new PatternToolWeave(
                ToolPattern.parse("dev.comfyagent.weavefixtures.Renderer+#*"), false));
    ClassNameFilter filter = ClassNameFilter.of(rules);
    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(LOADER));

    Set<String> matched = new TreeSet<>();
    List<String> missed = new ArrayList<>();
    for (Class<?> from :
        List.of(
            McpAsyncServer.class,
            CircuitBreaker.class,
            RateLimiter.class,
            SessionRegistry.class,
            FixtureTool.class)) {
      for (String internalName : classesBeside(from)) {
        if (internalName.startsWith("dev/comfyagent/instrument/")) {
          continue; // the agent's own classes (and tests) are never woven, whatever a rule says
        }
        TypeDescription type = pool.describe(internalName.replace('/', '.')).resolve();
        if (anyMatches(rules, type)) {
          matched.add(internalName);
          if (!filter.considers(internalName, classFile(internalName))) {
            missed.add(internalName);
          }
        }
      }
    }

    assertThat(missed).as("matched by a rule, passed over by the filter").isEmpty();
    assertThat(matched)
        .as("the scan reaches every kind of rule")
        .contains(
            "io/modelcontextprotocol/server/McpAsyncServer",
            "io/modelcontextprotocol/spec/McpServerSession",
            "io/github/resilience4j/circuitbreaker/internal/CircuitBreakerStateMachine",
            "io/github/resilience4j/ratelimiter/internal/AtomicRateLimiter",
            "dev/comfyagent/runtime/session/SessionRegistry",
            "dev/comfyagent/runtime/workflow/LoadWorkflowTool",
            "dev/comfyagent/runtime/tool/ToolRegistry",
            "dev/comfyagent/weavefixtures/FixtureTool");
  }

  /**
   * Whether a rule matches {@code type}; a class whose supertypes are not on this class path (the
   * SDK's servlet transport) cannot be woven here either, as the weaver would count it as failed.
   */
  private static boolean anyMatches(WeaveRules rules, TypeDescription type) {
    try {
      return rules.rules().stream().anyMatch(rule -> rule.matches(type, LOADER));
    } catch (TypePool.Resolution.NoSuchTypeException e) {
      return false;
    }
  }

  private static AdviceTransformer advice() {
    return AdviceTransformer.template(
        LOADER, () -> net.bytebuddy.asm.Advice.ExceptionHandler.Default.SUPPRESSING);
  }

  /** Every class in the jar or folder {@code type} was loaded from, in internal form. */
  private static List<String> classesBeside(Class<?> type) throws IOException, URISyntaxException {
    Path root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        files
            .map(root::relativize)
            .map(path -> path.toString().replace('\\', '/'))
            .filter(WeaveRulesTest::isClassFile)
            .forEach(name -> names.add(name.substring(0, name.length() - ".class".length())));
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        jar.stream()
            .map(entry -> entry.getName())
            .filter(WeaveRulesTest::isClassFile)
            .forEach(name -> names.add(name.substring(0, name.length() - ".class".length())));
      }
    }
    return names;
  }

  private static boolean isClassFile(String name) {
    return name.endsWith(".class")
        && !name.startsWith("META-INF/")
        && !name.endsWith("module-info.class")
        && !name.endsWith("package-info.class");
  }

  private static byte[] classFile(String internalName) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(internalName + ".class")) {
      return in.readAllBytes();
    }
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }
}
