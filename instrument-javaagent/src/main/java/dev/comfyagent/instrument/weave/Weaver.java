package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.record.AgentHealth;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.bytebuddy.asm.Advice;

/**
 * Weaves the agent's {@link WeaveTarget}s into host classes with Byte Buddy's {@link Advice}:
 * advice only (no new members, so classes can be retransformed after start-up too), every woven
 * class and every failure counted in {@link AgentHealth}.
 *
 * <p>The weaving transformer is a plain {@link ClassFileTransformer} ({@link AdviceWeaving}), not
 * Byte Buddy's {@code AgentBuilder}: a {@link ClassNameFilter} passes over every class no target
 * can match by its name, the few classes left are described from their class file through one
 * type-pool cache per class loader, matched against the targets' {@link WeaveRules}, and the advice
 * of the matching rules is applied to the class file. The {@code AgentBuilder} machinery (its
 * generated module-aware transformer, its listeners, strategies and matchers) cost the agent's
 * start about 110 ms and 400 classes on the 2-core reference machine, for features the agent does
 * not use.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * Weaver weaver = new Weaver(health, Weaver.class.getClassLoader());
 * ClassFileTransformer weaving = weaver.make(targets);     // handed every class by StartTrigger
 * weaver.retransformLoaded(instrumentation, targets);      // the classes loaded before
 * }</pre>
 *
 * <p>Thread-safe after construction.
 */
public final class Weaver {

  static {
    // Relocation renames Byte Buddy's system properties along with its packages, so the shaded
    // copy reads dev.comfyagent.instrument.shaded.net.bytebuddy.*: set the ones the agent relies
    // on here, in code, before Byte Buddy's classes initialize. Each can still be overridden by
    // setting the relocated property on the command line.
    setIfAbsent("net.bytebuddy.experimental", "true");
    setIfAbsent("net.bytebuddy.nexus.disabled", "true");
  }

  private final AgentHealth health;
  private final ClassLoader agentLoader;
  private final boolean agentLoaderIsPrivate;

  /**
   * @param health counts woven classes and failures
   * @param agentLoader the agent's own class loader: it holds the advice classes, and nothing it
   *     loads is woven
   */
  public Weaver(AgentHealth health, ClassLoader agentLoader) {
    this(health, agentLoader, true);
  }

  /**
   * @param agentLoaderIsPrivate whether {@code agentLoader} holds agent classes only (false in
   *     tests, where the advice lives in the same loader as the classes to weave)
   */
  Weaver(AgentHealth health, ClassLoader agentLoader, boolean agentLoaderIsPrivate) {
    this.health = health;
    this.agentLoader = agentLoader;
    this.agentLoaderIsPrivate = agentLoaderIsPrivate;
  }

  /**
   * The weaving transformer for {@code targets}, not registered anywhere: the {@link StartTrigger}
   * (the agent's one registered transformer) hands it every class once the agent runs. Classes
   * already loaded are woven by {@link #retransformLoaded}.
   */
  public ClassFileTransformer make(List<WeaveTarget> targets) {
    WeaveRules rules = rules(targets);
    String fingerprint = rules.fingerprint();
    String record = System.getProperty(WeaveCache.RECORD_PROPERTY);
    if (record == null) {
      return weaving(rules, WeaveCache.load(agentLoader, fingerprint), null);
    }
    loadEveryClassNamedLater(rules);
    return weaving(rules, WeaveCache.NONE, new WeaveCache.Recorder(Path.of(record), fingerprint));
  }

  /**
   * The weave cache's training run only: loads (without initialising) every class a rule names
   * exactly that the host's system class loader has, a second after the agent started, so that the
   * classes a session loads after the start (the probes' classes, such as the runtime's undo
   * history, at the first tool call) are woven and recorded too, and a user's first call does not
   * load Byte Buddy's weaving machinery.
   */
  private static void loadEveryClassNamedLater(WeaveRules rules) {
    Thread loading =
        new Thread(
            () -> {
              try {
                Thread.sleep(1000);
              } catch (InterruptedException e) {
                return;
              }
              ClassLoader host = ClassLoader.getSystemClassLoader();
              for (WeaveRules.Rule rule : rules.rules()) {
                if (rule.names().form() == WeaveRules.ClassNames.Form.EXACT) {
                  for (String name : rule.names().names()) {
                    try {
                      Class.forName(name, false, host);
                    } catch (ClassNotFoundException | LinkageError absent) {
                      // not in this host: nothing to record
                    }
                  }
                }
              }
            },
            "comfyagent-weave-training");
    loading.setDaemon(true);
    loading.start();
  }

  /** The rules of {@code targets}, with this weaver's advice template. */
  WeaveRules rules(List<WeaveTarget> targets) {
    return WeaveRules.of(targets, adviceTemplate());
  }

  /**
   * The weaving transformer for {@code rules}, served by {@code cache}, recording to {@code
   * recorder}.
   */
  AdviceWeaving weaving(WeaveRules rules, WeaveCache cache, WeaveCache.Recorder recorder) {
    return new AdviceWeaving(
        ClassNameFilter.of(rules),
        rules.rules(),
        health,
        agentLoaderIsPrivate ? agentLoader : null,
        cache,
        recorder);
  }

  /**
   * Registers the weaving transformer for {@code targets} on {@code instrumentation} and weaves the
   * classes already loaded (tests, and tools that weave without a {@link StartTrigger}).
   *
   * @return the registration, to undo with {@link Installed#reset}
   */
  public Installed install(Instrumentation instrumentation, List<WeaveTarget> targets) {
    ClassFileTransformer weaving = make(targets);
    instrumentation.addTransformer(weaving, true);
    retransformLoaded(instrumentation, targets);
    return new Installed(instrumentation, weaving, WeaveRules.of(targets, adviceTemplate()));
  }

  /**
   * Retransforms the loaded classes that {@code targets} may weave, through the transformers
   * registered with retransformation (the {@link StartTrigger}): those the agent missed because
   * they loaded before it ran. A subtype rule counts only when its type is loaded (no class can
   * implement an interface that never loaded), so that the classes of a large host are not all
   * retransformed for a rule that cannot match. Failures are counted per class.
   *
   * @return the number of classes retransformed
   */
  public int retransformLoaded(Instrumentation instrumentation, List<WeaveTarget> targets) {
    int done = 0;
    for (Class<?> type : candidates(instrumentation, WeaveRules.of(targets, adviceTemplate()))) {
      try {
        instrumentation.retransformClasses(type);
        done++;
      } catch (Exception | LinkageError e) {
        health.instrumentationFailed(type.getName(), e);
      }
    }
    return done;
  }

  /** The loaded classes {@code rules} may weave, by the name filter. */
  private static List<Class<?>> candidates(Instrumentation instrumentation, WeaveRules rules) {
    Class<?>[] loaded = instrumentation.getAllLoadedClasses();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Class<?> type : loaded) {
      names.add(type.getName());
    }
    ClassNameFilter filter = ClassNameFilter.of(rules, names::contains);
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : loaded) {
      try {
        if (filter.considers(type) && instrumentation.isModifiableClass(type)) {
          candidates.add(type);
        }
      } catch (LinkageError | RuntimeException e) {
        // a class whose supertypes cannot be read cannot be woven either
      }
    }
    return candidates;
  }

  private AdviceTransformer adviceTemplate() {
    // An anonymous class calling another class, not a method reference: linking this class or
    // the supplier then loads none of Byte Buddy's advice types, which a start the weave cache
    // serves never needs.
    return AdviceTransformer.template(
        agentLoader,
        new Supplier<>() {
          @Override
          public Advice.ExceptionHandler get() {
            return AdviceFailureHandler.toBridge();
          }
        });
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /** A weaving transformer registered by {@link #install}. */
  public static final class Installed {
    private final Instrumentation instrumentation;
    private final ClassFileTransformer weaving;
    private final WeaveRules rules;

    private Installed(
        Instrumentation instrumentation, ClassFileTransformer weaving, WeaveRules rules) {
      this.instrumentation = instrumentation;
      this.weaving = weaving;
      this.rules = rules;
    }

    /** Removes the transformer and retransforms the classes it may have woven back to theirs. */
    public void reset() {
      instrumentation.removeTransformer(weaving);
      for (Class<?> type : candidates(instrumentation, rules)) {
        try {
          instrumentation.retransformClasses(type);
        } catch (Exception | LinkageError e) {
          // a class that cannot be restored keeps its advice, which calls a bridge now idle
        }
      }
    }
  }
}
