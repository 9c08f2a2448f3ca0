package dev.comfyagent.instrument.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.weavefixtures.FixtureTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;
import org.junit.jupiter.api.Test;

class ClassFileHeaderTest {

  /** Constants of every width in its pool (long and double take two entries each). */
  @SuppressWarnings("unused")
  static final class WideConstants extends AbstractList<String>
      implements RandomAccess, Serializable {
    private static final long serialVersionUID = 1L;
    long big = 1234567890123L;
    double ratio = 0.123456789;
    float scale = 1.5e9f;
    int count = 1_000_000;
    String text = "caf\u00e9 \u2603";

    @Override
    public String get(int index) {
      return text + big + ratio + scale + count;
    }

    @Override
    public int size() {
      return 1;
    }
  }

  @Test
  void readsTheSuperclassAndInterfacesPastAPoolWithWideConstants() throws IOException {
    assertThat(ClassFileHeader.directSupertypes(classFile(WideConstants.class)))
        .containsExactly(
            "java/util/AbstractList", "java/util/RandomAccess", "java/io/Serializable");
  }

  @Test
  void readsAToolsInterface() throws IOException {
    assertThat(ClassFileHeader.directSupertypes(classFile(FixtureTool.class)))
        .containsExactly("java/lang/Object", "dev/comfyagent/runtime/tool/Tool");
  }

  @Test
  void objectHasNoSuperclass() throws IOException {
    assertThat(ClassFileHeader.directSupertypes(classFile(Object.class)))
        .containsExactly((String) null);
  }

  @Test
  void anythingElseIsNotUnderstood() throws IOException {
    byte[] real = classFile(WideConstants.class);
    assertThat(ClassFileHeader.directSupertypes(null)).isNull();
    assertThat(ClassFileHeader.directSupertypes(new byte[0])).isNull();
    assertThat(ClassFileHeader.directSupertypes("not a class file".getBytes())).isNull();
    assertThat(ClassFileHeader.directSupertypes(Arrays.copyOf(real, real.length / 3))).isNull();
    byte[] badTag = real.clone();
    badTag[10] = (byte) 99; // the first constant pool entry's tag
    assertThat(ClassFileHeader.directSupertypes(badTag)).isNull();
  }

  static byte[] classFile(Class<?> type) throws IOException {
    String resource = type.getName().replace('.', '/') + ".class";
    ClassLoader loader = type.getClassLoader();
    try (InputStream in =
        loader == null
            ? ClassLoader.getSystemResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
