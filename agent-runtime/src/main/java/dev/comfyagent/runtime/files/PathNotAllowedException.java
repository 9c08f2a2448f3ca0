package dev.comfyagent.runtime.files;

import dev.comfyagent.runtime.tool.ToolException;

/**
 * A user-given path that tools may not use: it escapes the allowed roots ({@code ../} traversal, an
 * absolute path elsewhere, a link pointing out), is not a valid path on this file system, or names
 * something that cannot be read or written. The message names the path and the allowed roots.
 */
public class PathNotAllowedException extends ToolException {

  private static final long serialVersionUID = 1L;

  public PathNotAllowedException(String message) {
    super(message);
  }
}
