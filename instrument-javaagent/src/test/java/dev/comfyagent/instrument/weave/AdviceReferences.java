package dev.comfyagent.instrument.weave;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** Lists the classes a class file refers to, for the tests that check what hosts can resolve. */
public final class AdviceReferences {

  private AdviceReferences() {}

  /** Every internal class name the class's signatures and code refer to. */
  public static Set<String> allReferencedClasses(Class<?> type) throws IOException {
    Set<String> owners = new TreeSet<>();
    try (InputStream in =
        type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      new ClassReader(in.readAllBytes())
          .accept(
              new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(
                    int v, int a, String name, String sig, String superName, String[] interfaces) {
                  if (superName != null) {
                    owners.add(superName);
                  }
                  for (String i : interfaces) {
                    owners.add(i);
                  }
                }

                @Override
                public FieldVisitor visitField(
                    int a, String name, String desc, String sig, Object value) {
                  addType(owners, Type.getType(desc));
                  return null;
                }

                @Override
                public MethodVisitor visitMethod(
                    int a, String name, String desc, String sig, String[] ex) {
                  for (Type t : Type.getArgumentTypes(desc)) {
                    addType(owners, t);
                  }
                  addType(owners, Type.getReturnType(desc));
                  return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(
                        int op, String owner, String m, String d, boolean itf) {
                      owners.add(owner);
                    }

                    @Override
                    public void visitFieldInsn(int op, String owner, String f, String d) {
                      owners.add(owner);
                    }

                    @Override
                    public void visitTypeInsn(int op, String t) {
                      owners.add(t);
                    }
                  };
                }
              },
              ClassReader.SKIP_DEBUG);
    }
    owners.removeIf(o -> o.startsWith("["));
    return owners;
  }

  private static void addType(Set<String> owners, Type type) {
    Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
    if (element.getSort() == Type.OBJECT) {
      owners.add(element.getInternalName());
    }
  }
}
