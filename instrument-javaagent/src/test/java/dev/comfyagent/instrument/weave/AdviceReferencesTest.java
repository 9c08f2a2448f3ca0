package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.advicefixtures.StrayAdvice;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Advice code is copied into host classes, where only the JDK and the bootstrap bridge resolve:
 * every class its methods' code refers to must be one of those. The advice classes are found from
 * the code (every class of the agent with a method annotated {@code @Advice.OnMethodEnter} or
 * {@code @Advice.OnMethodExit}), so a new one cannot be missed.
 */
class AdviceReferencesTest {

  private static final String ENTER = "Lnet/bytebuddy/asm/Advice$OnMethodEnter;";
  private static final String EXIT = "Lnet/bytebuddy/asm/Advice$OnMethodExit;";

  /** The agent's advice classes, by binary name, found in its compiled classes. */
  static List<String> agentAdvice() throws IOException, URISyntaxException {
    return adviceClassesUnder(classRoot(Weaver.class), "dev/comfyagent/instrument/");
  }

  @ParameterizedTest
  @MethodSource("agentAdvice")
  void adviceCodeReferencesOnlyTheJdkAndTheBridge(String advice) throws Exception {
    Class<?> type = Class.forName(advice, false, getClass().getClassLoader());
    assertThat(referencedOwners(type)).as(advice).isNotEmpty();
    assertThat(unresolvableInAHost(type)).as(advice).isEmpty();
  }

  @Test
  void everyAdviceClassOfEveryWeaveIsFound() throws Exception {
    assertThat(agentAdvice())
        .hasSizeGreaterThanOrEqualTo(24)
        .contains(
            RuntimeToolWeave.CallAdvice.class.getName(),
            PatternToolWeave.UntracedAdvice.class.getName(),
            SdkSyncToolWeave.ArgumentsRunAdvice.class.getName(),
            SdkSyncToolWeave.ArgumentsAssembleAdvice.class.getName(),
            SdkSyncToolWeave.ArgumentsAssembleAfterFlagAdvice.class.getName(),
            SdkServerFeaturesWeave.FeaturesAdvice.class.getName(),
            InstanceCaptureWeave.UsedAdvice.class.getName())
        .doesNotContain(Weaver.class.getName(), SdkSyncToolWeave.class.getName());
  }

  @Test
  void anAdviceClassAddedAnywhereIsPickedUpAndItsReferencesChecked() throws Exception {
    List<String> found =
        adviceClassesUnder(classRoot(StrayAdvice.class), "dev/comfyagent/advicefixtures/");

    assertThat(found).containsExactly(StrayAdvice.class.getName());
    assertThat(unresolvableInAHost(StrayAdvice.class))
        .contains("dev/comfyagent/advicefixtures/StrayAdvice");
  }

  /** The classes under {@code root} (a folder of class files) and {@code prefix} with advice. */
  static List<String> adviceClassesUnder(Path root, String prefix) throws IOException {
    List<String> advice = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = root.relativize(file).toString().replace('\\', '/');
        if (name.startsWith(prefix) && hasAdviceMethod(Files.readAllBytes(file))) {
          advice.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
        }
      }
    }
    return advice;
  }

  private static boolean hasAdviceMethod(byte[] classFile) {
    boolean[] found = {false};
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String name, String descriptor, String signature, String[] ex) {
                return new MethodVisitor(Opcodes.ASM9) {
                  @Override
                  public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    found[0] |= annotation.equals(ENTER) || annotation.equals(EXIT);
                    return null;
                  }
                };
              }
            },
            ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return found[0];
  }

  /** The classes {@code advice}'s code refers to that a host class could not resolve. */
  static List<String> unresolvableInAHost(Class<?> advice) throws IOException {
    return referencedOwners(advice).stream()
        .filter(
            owner ->
                !owner.startsWith("java/")
                    && !owner.startsWith("dev/comfyagent/instrument/bootstrap/"))
        .distinct()
        .toList();
  }

  private static Path classRoot(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
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
