package dev.comfyagent.instrument.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.weave.AdviceReferences;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classes on the bootstrap and system class paths (the bridge and the entry) must not refer to
 * the agent's implementation or its libraries: those are visible only to the agent's loader.
 */
class HostVisibleClassesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.comfyagent.instrument.bootstrap.AgentBridge",
        "dev.comfyagent.instrument.bootstrap.BridgeDispatch"
      })
  void bridgeReferencesOnlyTheJdkAndItself(String className) throws Exception {
    assertThat(AdviceReferences.allReferencedClasses(Class.forName(className)))
        .allSatisfy(
            owner ->
                assertThat(
                        owner.startsWith("java/")
                            || owner.startsWith("dev/comfyagent/instrument/bootstrap/"))
                    .as(owner)
                    .isTrue());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.comfyagent.instrument.entry.AgentEntry",
        "dev.comfyagent.instrument.entry.AgentClassLoader",
        "dev.comfyagent.instrument.entry.AgentArguments"
      })
  void entryReferencesOnlyTheJdkAndTheAgentLoader(String className)
      throws IOException, ClassNotFoundException {
    assertThat(AdviceReferences.allReferencedClasses(Class.forName(className)))
        .allSatisfy(
            owner ->
                assertThat(
                        owner.startsWith("java/")
                            || owner.startsWith("dev/comfyagent/instrument/entry/"))
                    .as(owner)
                    .isTrue());
  }
}
