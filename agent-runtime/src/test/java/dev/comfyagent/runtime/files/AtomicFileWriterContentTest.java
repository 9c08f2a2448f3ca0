package dev.comfyagent.runtime.files;

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

class AtomicFileWriterContentTest {

  @TempDir Path dir;

  @Test
  void replacesTheFileAndLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("a.json");
    Files.writeString(target, "old");

    AtomicFileWriter.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)), true);

    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(filesIn(dir)).containsExactly("a.json");
  }

  @Test
  void keepsThePreviousFileWhenWritingFails() throws IOException {
    Path target = dir.resolve("a.json");
    Files.writeString(target, "previous");

    assertThatThrownBy(
            () ->
                AtomicFileWriter.write(
                    target,
                    out -> {
                      out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    },
                    true))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");

    assertThat(Files.readString(target)).isEqualTo("previous");
    assertThat(filesIn(dir)).containsExactly("a.json");
  }

  @Test
  void createsTheDirectory() throws IOException {
    Path target = dir.resolve("sessions/nested/a.json");

    AtomicFileWriter.write(target, out -> out.write('x'), true);

    assertThat(Files.readString(target)).isEqualTo("x");
  }

  @Test
  void keepsThePermissionsOfTheFileItReplaces() throws IOException {
    Path target = dir.resolve("a.json");
    Files.writeString(target, "old");
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

      AtomicFileWriter.write(target, out -> out.write('x'), true);

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
          .isEqualTo("rw-r-----");
    }
  }

  @Test
  void recognisesItsTemporaryFiles() {
    assertThat(AtomicFileWriter.isTemporary(".shot.json.1a2b.tmp")).isTrue();
    assertThat(AtomicFileWriter.isTemporary("shot.json")).isFalse();
  }

  private static Stream<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList().stream();
    }
  }
}
