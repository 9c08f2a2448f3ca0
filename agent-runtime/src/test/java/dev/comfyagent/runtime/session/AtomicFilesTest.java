package dev.comfyagent.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void replacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("a.json");
    Files.writeString(target, "old");

    AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(filesIn(dir)).containsExactly("a.json");
  }

  @Test
  void keepsThePreviousFileWhenWritingFails() throws IOException {
    Path target = dir.resolve("a.json");
    Files.writeString(target, "previous");

    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");

    assertThat(Files.readString(target)).isEqualTo("previous");
    assertThat(filesIn(dir)).containsExactly("a.json");
  }

  @Test
  void createsTheDirectory() throws IOException {
    Path target = dir.resolve("sessions/nested/a.json");

    AtomicFiles.write(target, out -> out.write('x'));

    assertThat(Files.readString(target)).isEqualTo("x");
  }

  @Test
  void keepsThePermissionsOfTheFileItReplaces() throws IOException {
    Path target = dir.resolve("a.json");
    Files.writeString(target, "old");
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

      AtomicFiles.write(target, out -> out.write('x'));

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
          .isEqualTo("rw-r-----");
    }
  }

  @Test
  void recognisesItsTemporaryFiles() {
    assertThat(AtomicFiles.isTemporary(".shot.json.1a2b.tmp")).isTrue();
    assertThat(AtomicFiles.isTemporary("shot.json")).isFalse();
  }

  private static Stream<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList().stream();
    }
  }
}
