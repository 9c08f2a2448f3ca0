package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Advice code is copied into host classes, where only the JDK and the bootstrap bridge resolve:
 * every class its methods' code refers to must be one of those.
 */
class AdviceReferencesTest {

  @ParameterizedTest
  @ValueSource(
      classes = {
        RuntimeToolWeave.CallAdvice.class,
        PatternToolWeave.TracedAdvice.class,
        PatternToolWeave.UntracedAdvice.class,
        SdkToolCallWeave.HandlerAdvice.class,
        SdkSyncToolWeave.RunAdvice.class,
        SdkSyncToolWeave.AssembleAdvice.class,
        SdkRequestIdWeave.StatefulAdvice.class,
        SdkRequestIdWeave.StatelessAdvice.class,
        SdkRequestIdWeave.LegacyAdvice.class,
        SdkRequestIdWeave.FirstArgumentAdvice.class,
        SdkSessionsWeave.SessionFactoryAdvice.class,
        CircuitBreakerWeave.CreatedAdvice.class,
        CircuitBreakerWeave.TransitionAdvice.class,
        RateLimiterWeave.CreatedAdvice.class,
        RateLimiterWeave.AcquireAdvice.class,
        RateLimiterWeave.ReserveAdvice.class,
        SessionRegistryWeave.CreatedAdvice.class,
        SessionRegistryWeave.ChangedAdvice.class,
        SdkServerFeaturesWeave.FeaturesAdvice.class,
        InstanceCaptureWeave.ConstructedAdvice.class,
        InstanceCaptureWeave.UsedAdvice.class
      })
  void adviceCodeReferencesOnlyTheJdkAndTheBridge(Class<?> advice) throws IOException {
    assertThat(referencedOwners(advice))
        .isNotEmpty()
        .allSatisfy(
            owner ->
                assertThat(
                        owner.startsWith("java/")
                            || owner.startsWith("dev/comfyagent/instrument/bootstrap/"))
                    .as(owner)
                    .isTrue());
  }

  static List<String> referencedOwners(Class<?> type) throws IOException {
    List<String> owners = new ArrayList<>();
    try (InputStream in =
        type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      new ClassReader(in.readAllBytes())
          .accept(
              new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(
                    int access,
                    String name,
                    String descriptor,
                    String signature,
                    String[] exceptions) {
                  if (name.equals("<init>")) {
                    return null;
                  }
                  return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(
                        int opcode, String owner, String method, String desc, boolean itf) {
                      owners.add(owner);
                    }

                    @Override
                    public void visitFieldInsn(
                        int opcode, String owner, String field, String desc) {
                      owners.add(owner);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                      owners.add(type);
                    }
                  };
                }
              },
              ClassReader.SKIP_DEBUG);
    }
    return owners;
  }
}
