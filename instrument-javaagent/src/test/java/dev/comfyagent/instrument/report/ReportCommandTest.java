package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void writesThePageAndSaysWhereWhatItCoversAndHowLongItTook() throws Exception {
    Path logs = dir.resolve("logs");
    new SyntheticRun().write(logs);
    Path page = dir.resolve("out/run.html");
    assertThat(run(logs.toString(), "-o", page.toString())).isZero();
    assertThat(page).exists();
    assertThat(Files.readString(page)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("Wrote " + page.toAbsolutePath())
        .contains("1 process, 2026-11-25 10:00:00 to 2026-11-25 10:10:00 UTC")
        .contains("files read in");
    try (var files = Files.list(page.getParent())) {
      assertThat(files).containsExactly(page); // no temporary file left behind
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(Files.getPosixFilePermissions(page)).contains(PosixFilePermission.OWNER_READ);
      assertThat(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))))
          .isEqualTo(Files.getPosixFilePermissions(page));
    }
  }

  @Test
  void nothingToReadIsAClearFailure() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThat(run(empty.toString())).isEqualTo(ReportCommand.EXIT_FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no metrics*.jsonl, traces*.jsonl or *.hlog file in");
    assertThat(dir.resolve("report.html")).doesNotExist();
  }

  @Test
  void aWindowWithoutDataIsAClearFailure() throws Exception {
    new SyntheticRun().write(dir.resolve("logs"));
    assertThat(
            run(
                dir.resolve("logs").toString(),
                "--since",
                "2030-01-01T00:00:00Z",
                "-o",
                dir.resolve("r.html").toString()))
        .isEqualTo(ReportCommand.EXIT_FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no data between --since and --until");
    assertThat(dir.resolve("r.html")).doesNotExist();
  }

  @Test
  void aWrongCommandLineNamesTheProblemAndShowsTheUsage() throws Exception {
    assertThat(run()).isEqualTo(ReportCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("report needs the files or folders to read")
        .contains("Usage:");
    err.reset();
    assertThat(run(dir.toString(), "--color")).isEqualTo(ReportCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --color");
    err.reset();
    assertThat(run(dir.toString(), "-o")).isEqualTo(ReportCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("-o needs a value");
    err.reset();
    assertThat(run(dir.toString(), "-o", dir.toString())).isEqualTo(ReportCommand.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is a folder; name the page's file");
  }

  private int run(String... args) {
    return ReportCommand.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
