package dev.comfyagent.instrument.hooks.gpu;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GPU figures from one run of {@code nvidia-smi --query-gpu=...} per sample.
 *
 * <p>The executable is looked up on every read (a handful of file checks), so an nvidia-smi that
 * appears later is picked up and one that disappears is reported as {@link GpuFaultKind#NOT_FOUND}.
 *
 * <p>Confined to the sampler thread.
 */
final class NvidiaSmiSource implements GpuSource {

  /** The query, as documented by {@code nvidia-smi --help-query-gpu}. */
  static final List<String> QUERY =
      List.of(
          "--query-gpu=index,name,utilization.gpu,memory.used,memory.total",
          "--format=csv,noheader,nounits");

  private static final int MAX_QUOTED = 160;

  private final NvidiaSmiLocator locator;
  private final CommandRunner runner;
  private final Path override;
  private final Duration timeout;
  private final Clock clock;

  NvidiaSmiSource(HostEnvironment host, Path override, Duration timeout, Clock clock) {
    this.locator = new NvidiaSmiLocator(host);
    this.runner = new CommandRunner(host, timeout);
    this.override = override;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NVIDIA_SMI;
  }

  /** The executable a read would run, if there is one now. */
  Optional<Path> executable() {
    return locator.locate(override);
  }

  /** Where the executable was looked for, for the message that says it is missing. */
  String describeSearch() {
    return locator.describeSearch(override);
  }

  @Override
  public GpuSample read() throws InterruptedException {
    Optional<Path> executable = executable();
    if (executable.isEmpty()) {
      return failed(new GpuFault(GpuFaultKind.NOT_FOUND, describeSearch()));
    }
    List<String> command = new ArrayList<>();
    command.add(executable.get().toString());
    command.addAll(QUERY);
    CommandRunner.Outcome outcome = runner.run(command);
    String program = executable.get().toString();
    switch (outcome.status()) {
      case START_FAILED:
        return failed(
            new GpuFault(
                GpuFaultKind.START_FAILED,
                "could not start " + program + ": " + outcome.problem()));
      case TIMED_OUT:
        return failed(
            new GpuFault(
                GpuFaultKind.TIMEOUT,
                program + " did not finish within " + timeout.toMillis() + " ms; killed"));
      default:
        break;
    }
    if (outcome.exitCode() != 0) {
      String said = firstLine(outcome.stdout());
      return failed(
          new GpuFault(
              GpuFaultKind.EXIT_STATUS,
              program
                  + " exited with status "
                  + outcome.exitCode()
                  + (said.isEmpty() ? "" : ": " + said)));
    }
    NvidiaSmiOutputParser.Parsed parsed = NvidiaSmiOutputParser.parse(outcome.stdout());
    return new GpuSample(clock.instant(), NVIDIA_SMI, parsed.devices(), parsed.faults());
  }

  private GpuSample failed(GpuFault fault) {
    return new GpuSample(clock.instant(), NVIDIA_SMI, List.of(), List.of(fault));
  }

  private static String firstLine(String output) {
    String trimmed = output.strip();
    int end = trimmed.indexOf('\n');
    String line = (end < 0 ? trimmed : trimmed.substring(0, end)).strip();
    return line.length() > MAX_QUOTED ? line.substring(0, MAX_QUOTED) + "…" : line;
  }
}
