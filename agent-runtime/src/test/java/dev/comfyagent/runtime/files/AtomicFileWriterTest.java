package dev.comfyagent.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesANewFile(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out.json");
    AtomicFileWriter.write(target, bytes("{\"a\": 1}"), false);
    assertThat(target).hasContent("{\"a\": 1}");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void refusesToOverwriteUnlessAsked(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out.json");
    Files.writeString(target, "old");

    assertThatThrownBy(() -> AtomicFileWriter.write(target, bytes("new"), false))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(target).hasContent("old");

    AtomicFileWriter.write(target, bytes("new"), true);
    assertThat(target).hasContent("new");
  }

  @Test
  void leavesTheOldFileWholeWhenTheDiskFills() throws IOException {
    try (FileSystem fs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder().setMaxSize(64 * 1024).setBlockSize(1024).build())) {
      Path dir = fs.getPath("/w");
      Files.createDirectories(dir);
      Path target = dir.resolve("shot.json");
      Files.writeString(target, "{\"version\": 1}");

      byte[] tooBig = new byte[256 * 1024];
      assertThatThrownBy(() -> AtomicFileWriter.write(target, tooBig, true))
          .isInstanceOf(IOException.class);

      assertThat(Files.readString(target)).isEqualTo("{\"version\": 1}");
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).containsExactly(target);
      }
    }
  }

  @Test
  void replacesAtomicallyOnAWindowsFileSystem() throws IOException {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.windows())) {
      Path dir = fs.getPath("C:\\w");
      Files.createDirectories(dir);
      Path target = dir.resolve("shot.json");
      Files.writeString(target, "old");
      AtomicFileWriter.write(target, bytes("new"), true);
      assertThat(Files.readString(target)).isEqualTo("new");
    }
  }
}
