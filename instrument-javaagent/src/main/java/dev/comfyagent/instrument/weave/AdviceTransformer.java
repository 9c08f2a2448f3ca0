package dev.comfyagent.instrument.weave;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Advice classes and the methods they are meant for, as one ASM visitor wrapper for the class being
 * woven. Each advice class is resolved once for the whole agent (Byte Buddy's {@code
 * AgentBuilder.Transformer.ForAdvice} reads and parses the advice class again for every class it
 * weaves, which made up about a third of the time agent-runtime's start spent weaving: its two
 * dozen tools share one advice class). Advice code names only JDK types and the bootstrap bridge,
 * so one resolution serves every host class loader.
 *
 * <p>Usage (a {@link WeaveTarget} receives the template and adds its advice):
 *
 * <pre>{@code
 * rules.classes("com.acme.Server")
 *     .transform(advice.advice(named("handle"), HandleAdvice.class.getName()));
 * }</pre>
 *
 * <p>Immutable and thread-safe; the resolved advice is shared by every transformer made from the
 * same template.
 */
public final class AdviceTransformer {

  private final Resolved resolved;
  private final List<Entry> entries;
  private volatile AsmVisitorWrapper wrapper;

  private AdviceTransformer(Resolved resolved, List<Entry> entries) {
    this.resolved = resolved;
    this.entries = entries;
  }

  /**
   * A template with no advice yet.
   *
   * @param adviceLoader the class loader that holds the advice classes (read as class files, never
   *     loaded into a host)
   * @param exceptionHandler where a suppressed advice exception goes, made when advice is first
   *     resolved (a start the weave cache serves resolves none)
   */
  static AdviceTransformer template(
      ClassLoader adviceLoader, Supplier<Advice.ExceptionHandler> exceptionHandler) {
    return new AdviceTransformer(new Resolved(adviceLoader, exceptionHandler), List.of());
  }

  /**
   * This transformer and {@code adviceClassName}'s advice on the methods {@code methods} matches.
   */
  public AdviceTransformer advice(
      ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
    List<Entry> more = new ArrayList<>(entries);
    more.add(new Entry(methods, adviceClassName));
    return new AdviceTransformer(resolved, List.copyOf(more));
  }

  /**
   * The advice as a visitor wrapper for the methods of a woven class: made on first use, then
   * shared by every class this transformer weaves.
   */
  AsmVisitorWrapper wrapper() {
    AsmVisitorWrapper made = wrapper;
    if (made == null) {
      AsmVisitorWrapper.ForDeclaredMethods visitor = new AsmVisitorWrapper.ForDeclaredMethods();
      for (Entry entry : entries) {
        visitor = visitor.invokable(entry.methods(), resolved.advice(entry.adviceClassName()));
      }
      made = visitor;
      wrapper = made;
    }
    return made;
  }

  /** The advice, as text: each method matcher and the advice class it gets. */
  String description() {
    StringBuilder text = new StringBuilder();
    for (Entry entry : entries) {
      text.append('[').append(entry.methods()).append(" -> ").append(entry.adviceClassName());
      text.append(']');
    }
    return text.toString();
  }

  private record Entry(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {}

  /** The advice classes, each resolved on first use and kept. */
  private static final class Resolved {
    private final ClassLoader adviceLoader;
    private final Supplier<Advice.ExceptionHandler> exceptionHandlerFactory;
    private final ConcurrentHashMap<String, Advice> byName = new ConcurrentHashMap<>();
    // Made on the first advice resolved: none of Byte Buddy's type pool until weaving is live.
    private ClassFileLocator classFiles;
    private TypePool types;
    private Advice.ExceptionHandler exceptionHandler;

    Resolved(ClassLoader adviceLoader, Supplier<Advice.ExceptionHandler> exceptionHandler) {
      this.adviceLoader = adviceLoader;
      this.exceptionHandlerFactory = exceptionHandler;
    }

    Advice advice(String adviceClassName) {
      Advice known = byName.get(adviceClassName);
      return known != null ? known : byName.computeIfAbsent(adviceClassName, this::resolve);
    }

    private synchronized Advice resolve(String adviceClassName) {
      if (types == null) {
        classFiles = ClassFileLocator.ForClassLoader.of(adviceLoader);
        types = TypePool.Default.of(classFiles);
        exceptionHandler = exceptionHandlerFactory.get();
      }
      return Advice.to(types.describe(adviceClassName).resolve(), classFiles)
          .withExceptionHandler(exceptionHandler);
    }
  }
}
