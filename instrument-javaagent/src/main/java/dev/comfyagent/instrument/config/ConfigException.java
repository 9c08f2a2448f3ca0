package dev.comfyagent.instrument.config;

/**
 * A setting the agent cannot accept: an unknown option, or a value of the wrong form. The message
 * names the option, where it came from and what would be valid, on one line.
 *
 * <p>Extensions throw it for their own namespaces ({@code gpu.*}, {@code probe.*}) so that a bad
 * value there is reported and handled like any other wrong option.
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean strict;

  /**
   * @param message what is wrong, naming the option (one line, no trailing period needed)
   * @param strict whether {@code strict=true} was asked for, so that the caller stops startup
   */
  public ConfigException(String message, boolean strict) {
    super(message);
    this.strict = strict;
  }

  /** Whether the user asked for {@code strict=true}: then a wrong option stops the JVM's start. */
  public boolean strict() {
    return strict;
  }
}
