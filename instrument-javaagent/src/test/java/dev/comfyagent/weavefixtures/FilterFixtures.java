package dev.comfyagent.weavefixtures;

/**
 * Classes outside the agent's packages for the class-name filter's tests: one whose direct
 * supertypes are all JDK types, and one whose superclass is a host class (which may implement the
 * runtime's {@code Tool}).
 */
public final class FilterFixtures {
  private FilterFixtures() {}

  /** Only JDK supertypes. */
  public static final class PlainTask implements Runnable {
    @Override
    public void run() {}
  }

  /** A host class that other host classes extend. */
  public static class HostBase {}

  /** Extends a host class. */
  public static final class HostDerived extends HostBase {}
}
