package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartTriggerTest {

  private static final byte[] CLASS_FILE = {1, 2, 3};
  private static final byte[] WOVEN = {9};

  private final List<String> seenByWeaving = new ArrayList<>();
  private final ClassFileTransformer weaving =
      new ClassFileTransformer() {
        @Override
        public byte[] transform(
            ClassLoader loader,
            String name,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes) {
          seenByWeaving.add(name);
          return WOVEN;
        }
      };
  private final AtomicInteger activations = new AtomicInteger();
  private final List<String> triggeredBy = new ArrayList<>();

  private StartTrigger trigger(ClassFileTransformer started) {
    return new StartTrigger(
        List.of("io.modelcontextprotocol.server.", "com.acme.Tiles"),
        new RuntimeHostWatch(),
        triggeringClass -> {
          activations.incrementAndGet();
          triggeredBy.add(triggeringClass);
          return started;
        });
  }

  @Test
  void classesOfAnyOtherJvmPassUntouchedAndStartNothing() throws Exception {
    StartTrigger trigger = trigger(weaving);
    for (String name :
        List.of("com/acme/Main", "org/gradle/Launcher", "io/modelcontextprotocol/spec/McpSchema")) {
      assertThat(trigger.transform(null, null, name, null, null, CLASS_FILE)).isNull();
    }
    assertThat(trigger.transform(null, null, null, null, null, CLASS_FILE)).isNull();
    assertThat(activations).hasValue(0);
    assertThat(trigger.active()).isFalse();
  }

  @Test
  void theFirstServerClassStartsTheAgentOnceAndIsWovenItself() throws Exception {
    StartTrigger trigger = trigger(weaving);

    byte[] first =
        trigger.transform(
            null, null, "io/modelcontextprotocol/server/McpServer", null, null, CLASS_FILE);
    byte[] later = trigger.transform(null, null, "com/acme/Main", null, null, CLASS_FILE);
    trigger.transform(null, null, "com/acme/TilesCache", null, null, CLASS_FILE);

    assertThat(first).isEqualTo(WOVEN);
    assertThat(later).isEqualTo(WOVEN);
    assertThat(activations).hasValue(1);
    assertThat(triggeredBy).containsExactly("io.modelcontextprotocol.server.McpServer");
    assertThat(seenByWeaving)
        .containsExactly(
            "io/modelcontextprotocol/server/McpServer", "com/acme/Main", "com/acme/TilesCache");
  }

  @Test
  void aClassNamedByAnOptionStartsItToo() throws Exception {
    StartTrigger trigger = trigger(weaving);
    trigger.transform(null, null, "com/acme/Tiles", null, null, CLASS_FILE);
    assertThat(trigger.active()).isTrue();
  }

  @Test
  void aFailedStartLeavesEveryClassUntouchedAndIsNotRetried() throws Exception {
    StartTrigger trigger = trigger(null);
    assertThat(
            trigger.transform(
                null, null, "io/modelcontextprotocol/server/McpServer", null, null, CLASS_FILE))
        .isNull();
    assertThat(
            trigger.transform(
                null,
                null,
                "io/modelcontextprotocol/server/McpAsyncServer",
                null,
                null,
                CLASS_FILE))
        .isNull();
    assertThat(activations).hasValue(1);
    assertThat(trigger.active()).isFalse();
  }

  @Test
  void aRetransformationBeforeTheStartDoesNotStartIt() throws Exception {
    StartTrigger trigger = trigger(weaving);
    trigger.transform(
        null, null, "io/modelcontextprotocol/server/McpServer", String.class, null, CLASS_FILE);
    assertThat(activations).hasValue(0);
  }

  @Test
  void tellsTheRuntimeWatchWhatLoads() throws Exception {
    RuntimeHostWatch watch = new RuntimeHostWatch();
    List<String> ran = new ArrayList<>();
    watch.whenRecognised(() -> ran.add("gpu"));
    StartTrigger trigger = new StartTrigger(List.of(), watch, name -> weaving);
    trigger.transform(null, null, "com/acme/Tool", null, null, CLASS_FILE);
    assertThat(watch.recognised()).isFalse();
    trigger.transform(null, null, "dev/comfyagent/runtime/tool/Tool", null, null, CLASS_FILE);
    assertThat(watch.recognised()).isTrue();
    assertThat(ran).containsExactly("gpu");
    watch.whenRecognised(() -> ran.add("late"));
    assertThat(ran).containsExactly("gpu", "late");
  }
}
