package dev.comfyagent.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.it.harness.PackagedJars;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every name of agent-runtime that the agent relies on ({@code host.RuntimeContract}, read from the
 * packaged agent jar through its own class loader) exists in the packaged agent-runtime jar with
 * the shape the agent expects: classes and methods by reflection on the runtime's own classes,
 * texts in its class files, flags and environment variables in its settings table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeContractIT {

  private static final String CONTRACT = "dev.comfyagent.instrument.host.RuntimeContract";
  private static final String AGENT_LOADER = "dev.comfyagent.instrument.entry.AgentClassLoader";
  private static final String RUNTIME_SETTINGS = "dev.comfyagent.runtime.cli.Setting";

  private URLClassLoader agentJar;
  private ClassLoader agent;
  private URLClassLoader runtime;
  private List<String> runtimeClassFiles;

  @BeforeAll
  void loadBothJars() throws Exception {
    agentJar =
        new URLClassLoader(
            new URL[] {PackagedJars.agentJar().toUri().toURL()},
            ClassLoader.getPlatformClassLoader());
    Constructor<?> isolated =
        Class.forName(AGENT_LOADER, true, agentJar)
            .getDeclaredConstructor(Path.class, ClassLoader.class);
    isolated.setAccessible(true);
    agent = (ClassLoader) isolated.newInstance(PackagedJars.agentJar(), agentJar.getParent());
    runtime =
        new URLClassLoader(
            new URL[] {PackagedJars.runtimeJar().toUri().toURL()},
            ClassLoader.getPlatformClassLoader());
    runtimeClassFiles = runtimeClassFiles();
  }

  @AfterAll
  void close() throws IOException {
    runtime.close();
    agentJar.close();
  }

  @Test
  void everyNameTheAgentReadsExistsInThePackagedRuntimeWithTheExpectedShape() throws Exception {
    List<Object> names = names();
    assertThat(names).as("the contract, read from the packaged agent").hasSizeGreaterThan(10);
    List<String> problems = new ArrayList<>();
    EnumSet<Shape> checked = EnumSet.noneOf(Shape.class);
    for (Object name : names) {
      Shape shape = Shape.valueOf(String.valueOf(part(name, "shape")));
      checked.add(shape);
      String problem =
          check(
              shape,
              (String) part(name, "owner"),
              (String) part(name, "member"),
              (String) part(name, "detail"));
      if (problem != null) {
        problems.add(problem + " (read by " + part(name, "usedBy") + ")");
      }
    }
    assertThat(problems).as("names the agent relies on that the runtime lacks").isEmpty();
    assertThat(checked).as("every kind of name is checked").isEqualTo(EnumSet.allOf(Shape.class));
  }

  @Test
  void theCheckFindsANameTheRuntimeLacks() throws Exception {
    assertThat(check(Shape.CLASS, "dev.comfyagent.runtime.tool.NoSuchTool", "", "")).isNotNull();
    assertThat(check(Shape.SIZE_METHOD, "dev.comfyagent.runtime.session.SessionRegistry", "x", ""))
        .isNotNull();
    assertThat(check(Shape.TEXT, "Rendered out ", "", "")).isNotNull();
    assertThat(check(Shape.SETTING, "--comfyui-host", "COMFYUI_PORT", "127.0.0.1")).isNotNull();
    assertThat(
            check(
                Shape.INSTANCE_METHOD,
                "dev.comfyagent.runtime.session.SessionRegistry",
                "openNames",
                "2"))
        .isNotNull();
  }

  /** The shapes of {@code RuntimeContract.Shape}, by name. */
  enum Shape {
    CLASS,
    MAIN_CLASS,
    INSTANCE_METHOD,
    ACCESSOR,
    SIZE_METHOD,
    RECORD_COMPONENT,
    SETTING,
    TEXT,
    JAR_NAME
  }

  /** What is wrong with one name, or null when the runtime has it as expected. */
  private String check(Shape shape, String owner, String member, String detail) throws Exception {
    String where = owner + (member.isEmpty() ? "" : "#" + member);
    switch (shape) {
      case CLASS -> {
        return runtimeClass(owner) == null ? "no class " + owner : null;
      }
      case MAIN_CLASS -> {
        Class<?> type = runtimeClass(owner);
        Method main = type == null ? null : publicMethod(type, "main", String[].class);
        return main != null
                && Modifier.isStatic(main.getModifiers())
                && main.getReturnType() == void.class
            ? null
            : "no public static void main(String[]) in " + owner;
      }
      case INSTANCE_METHOD -> {
        Class<?> type = runtimeClass(owner);
        boolean found =
            type != null
                && Arrays.stream(type.getMethods())
                    .anyMatch(
                        m ->
                            m.getName().equals(member)
                                && !Modifier.isStatic(m.getModifiers())
                                && (detail.isEmpty()
                                    || (m.getParameterCount() == Integer.parseInt(detail)
                                        && m.getReturnType() != void.class)));
        return found
            ? null
            : "no public instance method "
                + where
                + (detail.isEmpty() ? "" : " with " + detail + " parameters returning a value");
      }
      case ACCESSOR -> {
        Class<?> type = runtimeClass(owner);
        Method method = type == null ? null : publicMethod(type, member);
        return method != null
                && !Modifier.isStatic(method.getModifiers())
                && method.getReturnType().getName().equals(detail)
            ? null
            : "no public " + detail + " " + where + "()";
      }
      case SIZE_METHOD -> {
        Class<?> type = runtimeClass(owner);
        Method method = type == null ? null : publicMethod(type, member);
        return method != null && !Modifier.isStatic(method.getModifiers()) && isSize(method)
            ? null
            : "no public " + where + "() returning a number, a Collection or a Map";
      }
      case RECORD_COMPONENT -> {
        Class<?> type = runtimeClass(owner);
        RecordComponent[] components =
            type == null || !type.isRecord() ? new RecordComponent[0] : type.getRecordComponents();
        return Arrays.stream(components)
                .anyMatch(c -> c.getName().equals(member) && c.getType().getName().equals(detail))
            ? null
            : "no record component " + detail + " " + member + " in " + owner;
      }
      case SETTING -> {
        for (Object setting : runtimeClass(RUNTIME_SETTINGS).getEnumConstants()) {
          if (owner.equals(call(setting, "flag"))
              && member.equals(call(setting, "environmentVariable"))
              && detail.equals(call(setting, "defaultValue"))) {
            return null;
          }
        }
        return "no runtime setting with flag "
            + owner
            + ", variable "
            + member
            + ", default "
            + detail;
      }
      case TEXT -> {
        return runtimeClassFiles.stream().anyMatch(text -> text.contains(owner))
            ? null
            : "no runtime class writes the text \"" + owner + "\"";
      }
      case JAR_NAME -> {
        String file = PackagedJars.runtimeJar().getFileName().toString();
        return file.matches(owner) ? null : "the runtime jar " + file + " does not match " + owner;
      }
      default -> throw new AssertionError(shape);
    }
  }

  private static boolean isSize(Method method) {
    Class<?> type = method.getReturnType();
    return (type.isPrimitive() && type != void.class && type != boolean.class && type != char.class)
        || Number.class.isAssignableFrom(type)
        || Collection.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type);
  }

  @SuppressWarnings("unchecked")
  private List<Object> names() throws Exception {
    Class<?> contract = Class.forName(CONTRACT, true, agent);
    assertThat(contract.getClassLoader()).as("read from the packaged agent").isSameAs(agent);
    return (List<Object>) contract.getMethod("names").invoke(null);
  }

  private static Object part(Object name, String component) throws Exception {
    for (RecordComponent c : name.getClass().getRecordComponents()) {
      if (c.getName().equals(component)) {
        Method accessor = c.getAccessor();
        accessor.setAccessible(true);
        return accessor.invoke(name);
      }
    }
    throw new AssertionError("RuntimeContract.Name has no component " + component);
  }

  private static Object call(Object target, String method) throws Exception {
    return target.getClass().getEnclosingClass() == null
        ? target.getClass().getMethod(method).invoke(target)
        : target.getClass().getEnclosingClass().getMethod(method).invoke(target);
  }

  private Class<?> runtimeClass(String name) {
    try {
      return Class.forName(name, false, runtime);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static Method publicMethod(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The runtime's own class files, as ISO-8859-1 text (their UTF-8 constants stay searchable). */
  private static List<String> runtimeClassFiles() throws IOException {
    List<String> files = new ArrayList<>();
    try (JarFile jar = new JarFile(PackagedJars.runtimeJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.getName().startsWith("dev/comfyagent/runtime/")
            && entry.getName().endsWith(".class")) {
          files.add(
              new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1));
        }
      }
    }
    return files;
  }
}
