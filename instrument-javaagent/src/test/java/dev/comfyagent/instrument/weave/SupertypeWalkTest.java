package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.runtime.comfy.ComfyUiException;
import dev.comfyagent.weavefixtures.FixtureTool;
import dev.comfyagent.weavefixtures.InheritingTool;
import dev.comfyagent.weavefixtures.ToolBase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class-file walk up a class's supertypes that lets the weaver pass over a class no subtype
 * rule can match before Byte Buddy describes it.
 */
class SupertypeWalkTest {

  private static final ClassLoader LOADER = SupertypeWalkTest.class.getClassLoader();
  private static final List<String> TOOL = List.of("dev/comfyagent/runtime/tool/Tool");

  private final Weaver weaver = new Weaver(new AgentHealth(false), LOADER, false);
  private final WeaveRules rules = weaver.rules(List.of(new RuntimeToolWeave()));
  private final SupertypeWalk walk =
      new SupertypeWalk(ClassNameFilter.of(rules), new LoaderClassFiles());

  @Test
  void aToolDirectlyOrThroughItsSuperclassIsOne() throws IOException {
    assertThat(walk.isSubtypeOfAny(LOADER, classFile(FixtureTool.class), TOOL))
        .isEqualTo(SupertypeWalk.Answer.YES);
    assertThat(walk.isSubtypeOfAny(LOADER, classFile(InheritingTool.class), TOOL))
        .isEqualTo(SupertypeWalk.Answer.YES);
  }

  @Test
  void aClassWhoseSupertypesEndInTheJdkWithoutTheTypeIsNot() throws IOException {
    // ComfyUiException -> ToolException -> RuntimeException: the walk stops at the JDK.
    assertThat(walk.isSubtypeOfAny(LOADER, classFile(ComfyUiException.class), TOOL))
        .isEqualTo(SupertypeWalk.Answer.NO);
  }

  @Test
  void aSupertypeWhoseClassFileCannotBeReadLeavesTheAnswerToByteBuddy() throws IOException {
    ClassLoader withoutBase =
        new ClassLoader(LOADER) {
          @Override
          public InputStream getResourceAsStream(String name) {
            return name.equals("dev/comfyagent/weavefixtures/ToolBase.class")
                ? null
                : super.getResourceAsStream(name);
          }
        };
    assertThat(walk.isSubtypeOfAny(withoutBase, classFile(InheritingTool.class), TOOL))
        .isEqualTo(SupertypeWalk.Answer.UNKNOWN);
    ClassLoader garbledBase =
        new ClassLoader(LOADER) {
          @Override
          public InputStream getResourceAsStream(String name) {
            return name.equals("dev/comfyagent/weavefixtures/ToolBase.class")
                ? new ByteArrayInputStream(new byte[] {1, 2, 3})
                : super.getResourceAsStream(name);
          }
        };
    assertThat(walk.isSubtypeOfAny(garbledBase, classFile(InheritingTool.class), TOOL))
        .isEqualTo(SupertypeWalk.Answer.UNKNOWN);
    assertThat(walk.isSubtypeOfAny(LOADER, new byte[] {0}, TOOL))
        .isEqualTo(SupertypeWalk.Answer.UNKNOWN);
  }

  @Test
  void theWeaverPassesOverAClassNoSubtypeRuleCanMatchWithoutDescribingIt() throws IOException {
    AdviceWeaving weaving = weaver.weaving(rules, WeaveCache.NONE, null);
    String exception = ComfyUiException.class.getName().replace('.', '/');
    assertThat(ClassNameFilter.of(rules).considers(exception, classFile(ComfyUiException.class)))
        .as("its superclass is the runtime's, so the name filter lets it through")
        .isTrue();

    assertThat(weaving.transform(LOADER, exception, null, null, classFile(ComfyUiException.class)))
        .isNull();
    assertThat(weaving.wovenLive()).isFalse();

    String base = ToolBase.class.getName().replace('.', '/');
    weaving.transform(LOADER, base, null, null, classFile(ToolBase.class));
    assertThat(weaving.wovenLive()).as("a subtype goes to Byte Buddy").isTrue();
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = LOADER.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
