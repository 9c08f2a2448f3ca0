package dev.comfyagent.instrument.attach;

import java.util.Locale;
import java.util.Optional;

/**
 * The checks made before the attach command asks a process to attach, each with the reason it
 * refuses in words the operator can act on.
 *
 * <p>The last check matters most for MCP servers: a JVM that is not listed by the attach provider
 * may have the attach mechanism disabled, and such a JVM, if also started with {@code
 * -XX:-UsePerfData}, answers an attach request by printing a thread dump to its stdout — the MCP
 * protocol channel. So an unlisted process is only attached to with {@code --force}.
 *
 * <p>Stateless and thread safe.
 */
final class AttachPreflight {

  private AttachPreflight() {}

  /**
   * What the command knows of a process before attaching.
   *
   * @param pid the process id asked for
   * @param running whether a process with that id runs now
   * @param user the user it runs as, when the OS tells
   * @param commandLine its command line, when the OS tells
   */
  record ProcessFacts(
      long pid, boolean running, Optional<String> user, Optional<String> commandLine) {

    /** The facts of a process on this host. */
    static ProcessFacts of(long pid) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return new ProcessFacts(pid, false, Optional.empty(), Optional.empty());
      }
      ProcessHandle.Info info = handle.get().info();
      return new ProcessFacts(pid, true, info.user(), info.commandLine().or(info::command));
    }
  }

  /**
   * Why not to attach, or empty to go ahead.
   *
   * @param process the target process
   * @param selfPid this command's pid
   * @param currentUser the user this command runs as
   * @param listed whether the attach provider lists the process as an attachable JVM
   * @param force whether {@code --force} was given
   */
  static Optional<String> refusal(
      ProcessFacts process, long selfPid, String currentUser, boolean listed, boolean force) {
    long pid = process.pid();
    if (pid == selfPid) {
      return Optional.of(
          "pid "
              + pid
              + " is this attach command itself; give the pid of the JVM to observe"
              + " (the list command shows them)");
    }
    if (!process.running()) {
      return Optional.of(
          "no process with pid "
              + pid
              + " is running (the list command shows the JVMs you can"
              + " attach to)");
    }
    Optional<String> owner = process.user();
    if (owner.isPresent() && !sameUser(owner.get(), currentUser)) {
      return Optional.of(
          "pid "
              + pid
              + " runs as user '"
              + owner.get()
              + "' but this command runs as '"
              + currentUser
              + "': the attach API only connects to JVMs of the same user. Run the command as"
              + " that user, e.g. sudo -u "
              + shortName(owner.get())
              + " java -jar <agent jar> attach "
              + pid);
    }
    if (!listed && !force) {
      String what = process.commandLine().map(line -> " (" + abbreviate(line) + ")").orElse("");
      return Optional.of(
          "pid "
              + pid
              + what
              + " is not listed as a JVM that accepts attach. "
              + AttachCommand.NOT_ATTACHABLE_HELP);
    }
    return Optional.empty();
  }

  private static boolean sameUser(String owner, String currentUser) {
    if (owner.indexOf('\\') < 0) {
      return owner.equals(currentUser);
    }
    // Windows reports DOMAIN\\user for the process, just user for user.name, and ignores case.
    return shortName(owner)
        .toLowerCase(Locale.ROOT)
        .equals(shortName(currentUser).toLowerCase(Locale.ROOT));
  }

  private static String shortName(String user) {
    int backslash = user.lastIndexOf('\\');
    return user.substring(backslash + 1);
  }

  private static String abbreviate(String line) {
    return line.length() > 120 ? line.substring(0, 120) + "…" : line;
  }
}
