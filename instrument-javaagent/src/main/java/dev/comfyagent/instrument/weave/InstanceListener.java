package dev.comfyagent.instrument.weave;

/**
 * Sees the instances of the classes an {@link InstanceCaptureWeave} observes: each once its
 * constructor completed, and (after a late attach) when one of its public methods is called.
 *
 * <p>Called on the host's thread that built or used the instance, possibly more than once for one
 * instance (a constructor that delegates to another with {@code this(...)}, or every method call
 * after a late attach): implementations must be cheap, idempotent, must not block and must not keep
 * the instance alive.
 */
@FunctionalInterface
public interface InstanceListener {

  /**
   * @param declaringType the class whose constructor or method was woven (a subclass instance
   *     reports the woven superclass)
   * @param instance the instance
   */
  void seen(Class<?> declaringType, Object instance);
}
