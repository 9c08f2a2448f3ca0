package dev.comfyagent.instrument.weave;

import static dev.comfyagent.instrument.weave.ClassFileHeaderTest.classFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.config.ToolPattern;
import dev.comfyagent.runtime.session.SessionRegistry;
import dev.comfyagent.weavefixtures.FilterFixtures.HostDerived;
import dev.comfyagent.weavefixtures.FilterFixtures.PlainTask;
import dev.comfyagent.weavefixtures.FixtureTool;
import java.io.IOException;
import java.util.List;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

class ClassNameFilterTest {

  private final ClassNameFilter byNameOnly =
      filterOf(new SessionRegistryWeave(), new CircuitBreakerWeave());
  private final ClassNameFilter withTools =
      filterOf(new SessionRegistryWeave(), new RuntimeToolWeave());

  /** The filter the weaver makes for {@code targets}: from their rules. */
  static ClassNameFilter filterOf(WeaveTarget... targets) {
    return ClassNameFilter.of(rulesOf(targets));
  }

  /** The rules of {@code targets}, with advice resolved from the test class path when used. */
  static WeaveRules rulesOf(WeaveTarget... targets) {
    return WeaveRules.of(
        List.of(targets),
        AdviceTransformer.template(
            ClassNameFilterTest.class.getClassLoader(),
            () -> Advice.ExceptionHandler.Default.SUPPRESSING));
  }

  @Test
  void considersTheClassesATargetNames() {
    assertThat(byNameOnly.considers("dev/comfyagent/runtime/session/SessionRegistry", null))
        .isTrue();
    assertThat(
            byNameOnly.considers(
                "io/github/resilience4j/circuitbreaker/internal/CircuitBreakerStateMachine", null))
        .isTrue();
    assertThat(byNameOnly.considers(SessionRegistry.class)).isTrue();
  }

  @Test
  void withoutASubtypeRulePassesOverEverythingElseUnread() {
    // the class file is not even looked at: garbage is fine
    assertThat(byNameOnly.considers("dev/comfyagent/runtime/tool/LoadWorkflowTool", new byte[3]))
        .isFalse();
    assertThat(byNameOnly.considers("com/acme/Anything", null)).isFalse();
    assertThat(byNameOnly.considers(FixtureTool.class)).isFalse();
  }

  @Test
  void aSubtypeRuleReadsTheDirectSupertypes() throws IOException {
    assertThat(withTools.considers(internal(FixtureTool.class), classFile(FixtureTool.class)))
        .isTrue();
    assertThat(withTools.considers(internal(PlainTask.class), classFile(PlainTask.class)))
        .isFalse();
    assertThat(withTools.considers(internal(HostDerived.class), classFile(HostDerived.class)))
        .isTrue();
    assertThat(withTools.considers(FixtureTool.class)).isTrue();
    assertThat(withTools.considers(PlainTask.class)).isFalse();
    assertThat(withTools.considers(HostDerived.class)).isTrue();
  }

  @Test
  void anUnreadableClassFileIsLeftToByteBuddy() {
    assertThat(withTools.considers("com/acme/Strange", "garbage".getBytes())).isTrue();
  }

  @Test
  void libraryJdkAgentAndHiddenClassesAreNeverConsidered() throws IOException {
    assertThat(withTools.considers("com/fasterxml/jackson/databind/ObjectMapper", null)).isFalse();
    assertThat(withTools.considers("java/lang/String", null)).isFalse();
    assertThat(withTools.considers(internal(ClassNameFilter.class), classFile(FixtureTool.class)))
        .isFalse();
    assertThat(withTools.considers(null, classFile(FixtureTool.class))).isFalse();
    assertThat(withTools.considers(String.class)).isFalse();
    assertThat(withTools.considers(int[].class)).isFalse();
  }

  @Test
  void aSubtypeRuleInsideALibraryPackageMakesThatPackageVisible() {
    ClassNameFilter apache =
        filterOf(new PatternToolWeave(ToolPattern.parse("org.apache.tools.Task+#run"), false));
    assertThat(apache.prefixes()).isEmpty();
    assertThat(apache.exactNames()).containsExactly("org/apache/tools/Task");
    assertThat(apache.considers("org/apache/tools/Task", null)).isTrue();
    // elsewhere in org.apache: no longer passed over by package, so its supertypes are read
    // (here there is no class file, which leaves the class to Byte Buddy)
    assertThat(apache.considers("org/apache/other/Copy", null)).isTrue();
    assertThat(apache.considers("com/fasterxml/Other", null)).isFalse();
  }

  @Test
  void aGlobConsidersItsLiteralBeginning() {
    ClassNameFilter glob =
        filterOf(new PatternToolWeave(ToolPattern.parse("com.acme.*Tool#execute"), false));
    assertThat(glob.prefixes()).containsExactly("com/acme/");
    assertThat(glob.considers("com/acme/render/PaintTool", null)).isTrue();
    assertThat(glob.considers("com/other/PaintTool", null)).isFalse();
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }
}
