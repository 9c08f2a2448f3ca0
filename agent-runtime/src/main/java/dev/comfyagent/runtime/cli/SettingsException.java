package dev.comfyagent.runtime.cli;

/**
 * A setting with a value the runtime cannot use. The message is one line naming the setting, where
 * its value came from and what is accepted: {@code COMFYUI_PORT=abc (environment): not a port
 * number; use 1 to 65535}.
 */
public final class SettingsException extends Exception {

  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(message);
  }
}
