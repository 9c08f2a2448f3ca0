package dev.comfyagent.instrument.weave;

import dev.comfyagent.instrument.record.AgentHealth;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * The weaving transformer: applies the advice of the {@link WeaveRules} that match a class to its
 * class file, the class itself described by Byte Buddy from that class file, through a plain {@link
 * ClassFileTransformer}.
 *
 * <p>A class reaches the weaver only when the {@link ClassNameFilter} considers it, its loader is
 * neither the bootstrap loader nor the agent's, and its name is not the JDK's or the agent's. The
 * {@link WeaveCache} is asked first: a class the build's training run wove exactly so gets the
 * bytes it got then, and Byte Buddy is not needed. Otherwise the class is woven live ({@link
 * LiveWeaving}, made on the first miss): described from its class file, the rules matched, the
 * class decorated with their advice: methods get advice code, nothing else changes, so the same
 * applies on retransformation. A failure is counted for that class, which stays as it was; a class
 * the agent's own weaving loads while it weaves is passed over.
 *
 * <p>Thread-safe.
 */
final class AdviceWeaving implements ClassFileTransformer {

  /** Never woven, by binary name: the JDK's, Byte Buddy's and the agent's own classes. */
  private static final String[] IGNORED =
      new String[] {
        "java.",
        "javax.",
        "jdk.",
        "sun.",
        "com.sun.",
        "dev.comfyagent.instrument.",
        "net.bytebuddy."
      };

  private final ClassNameFilter filter;
  private final List<WeaveRules.Rule> rules;
  private final AgentHealth health;
  private final ClassLoader agentLoader;
  private final WeaveCache cache;
  private final WeaveCache.Recorder recorder;
  private final ThreadLocal<Boolean> weaving = new ThreadLocal<>();
  private final LoaderClassFiles files = new LoaderClassFiles();
  private final SupertypeWalk supertypes;
  private volatile LiveWeaving live;

  /**
   * @param agentLoader the agent's own class loader, never woven; null when it also holds host
   *     classes (tests)
   * @param cache what the build's training run wove ({@link WeaveCache#NONE} for none)
   * @param recorder where live weaving records what it did (the build's training run), or null
   */
  AdviceWeaving(
      ClassNameFilter filter,
      List<WeaveRules.Rule> rules,
      AgentHealth health,
      ClassLoader agentLoader,
      WeaveCache cache,
      WeaveCache.Recorder recorder) {
    this.filter = filter;
    this.supertypes = new SupertypeWalk(filter, files);
    this.rules = rules;
    this.health = health;
    this.agentLoader = agentLoader;
    // A rule's class-loader answer is one bit of a long: more rules than that weave live only.
    boolean cacheable = rules.size() < Long.SIZE;
    this.cache = cacheable ? cache : WeaveCache.NONE;
    this.recorder = cacheable ? recorder : null;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile) {
    return transform(loader, internalName, classBeingRedefined, domain, classFile);
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile) {
    if (loader == null
        || loader == agentLoader
        || classFile == null
        || !filter.considers(internalName, classFile)
        || weaving.get() != null) {
      return null;
    }
    String name = internalName.replace('/', '.');
    for (String ignored : IGNORED) {
      if (name.startsWith(ignored)) {
        return null;
      }
    }
    weaving.set(Boolean.TRUE);
    try {
      long loaderMask = loaderMask(loader, name, internalName);
      if (loaderMask == 0 || noSubtypeRuleApplies(loader, name, classFile, loaderMask)) {
        // No rule can take the class in within this loader (a runtime tool rule in a host that
        // has no runtime), or only rules for subtypes can and it is none: no rule can match it,
        // and Byte Buddy need not describe it to say so.
        return null;
      }
      WeaveCache.Hit hit = cache.find(name, classFile, loaderMask, loader, files);
      byte[] woven;
      if (hit != null) {
        woven = hit.woven();
        JoinPointFound.wovenFromCache(hit.toolCallPaths());
      } else {
        woven = live().weave(loader, name, classFile, loaderMask);
      }
      if (woven != null) {
        health.classInstrumented(name);
      }
      return woven;
    } catch (Throwable e) { // NOPMD - the host's class must load whatever the agent does wrong
      health.instrumentationFailed(name, e);
      return null;
    } finally {
      weaving.remove();
    }
  }

  /**
   * Bit {@code i} set when rule {@code i} can name the class and has no class-loader matcher or
   * accepts {@code loader}. A rule that cannot name the class leaves its bit clear whatever the
   * loader, so that a class of a library (the SDK's server classes) has one mask in every host that
   * loads it, agent-runtime or another MCP server.
   */
  private long loaderMask(ClassLoader loader, String name, String internalName) {
    long mask = 0;
    for (int i = 0; i < rules.size(); i++) {
      WeaveRules.Rule rule = rules.get(i);
      if (rule.mayName(name, filter, internalName)
          && (rule.loaders() == null || rule.loaders().matches(loader))) {
        mask |= 1L << i;
      }
    }
    return mask;
  }

  /**
   * Whether every rule of {@code loaderMask} matches subtypes and the class is a subtype of none of
   * their types, as the class-file headers of its supertypes say.
   */
  private boolean noSubtypeRuleApplies(
      ClassLoader loader, String name, byte[] classFile, long loaderMask) {
    List<String> targets = new ArrayList<>(2);
    for (int i = 0; i < rules.size(); i++) {
      if ((loaderMask & (1L << i)) != 0) {
        WeaveRules.ClassNames names = rules.get(i).names();
        String type = names.names().get(0);
        if (names.form() != WeaveRules.ClassNames.Form.SUBTYPES || type.equals(name)) {
          return false;
        }
        targets.add(type.replace('.', '/'));
      }
    }
    return supertypes.isSubtypeOfAny(loader, classFile, targets) == SupertypeWalk.Answer.NO;
  }

  /** The class-loader mask of class {@code binaryName} in {@code loader}: for tests. */
  long loaderMaskFor(ClassLoader loader, String binaryName) {
    return loaderMask(loader, binaryName, binaryName.replace('.', '/'));
  }

  /** Whether a class had to be woven live (the cache missed): for tests. */
  boolean wovenLive() {
    return live != null;
  }

  private LiveWeaving live() {
    LiveWeaving made = live;
    if (made == null) {
      synchronized (this) {
        made = live;
        if (made == null) {
          made = new LiveWeaving(rules, recorder);
          live = made;
        }
      }
    }
    return made;
  }

  @Override
  public String toString() {
    return "AdviceWeaving" + filter;
  }
}
