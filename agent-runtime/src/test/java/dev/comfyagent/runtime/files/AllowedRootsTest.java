package dev.comfyagent.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AllowedRootsTest {

  private FileSystem fs;

  @AfterEach
  void close() throws IOException {
    if (fs != null) {
      fs.close();
    }
  }

  private AllowedRoots unixRoots() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.unix());
    Path root = fs.getPath("/srv/workflows");
    Files.createDirectories(root.resolve("portraits"));
    Files.writeString(root.resolve("portraits/sdxl.json"), "{}");
    Files.createDirectories(fs.getPath("/etc"));
    Files.writeString(fs.getPath("/etc/passwd"), "root:x");
    Files.createDirectories(fs.getPath("/home/me/shots"));
    Files.writeString(fs.getPath("/home/me/shots/plate.json"), "{}");
    return AllowedRoots.of(List.of(root, fs.getPath("/home/me")));
  }

  private AllowedRoots windowsRoots() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.windows().toBuilder().setRoots("C:\\", "G:\\").build());
    Path root = fs.getPath("C:\\Users\\artist\\workflows");
    Files.createDirectories(root);
    Files.writeString(root.resolve("shot010.json"), "{}");
    Files.writeString(fs.getPath("G:\\x"), "{}");
    return AllowedRoots.of(List.of(root));
  }

  @ParameterizedTest
  @CsvSource({
    "portraits/sdxl.json, /srv/workflows/portraits/sdxl.json",
    "portraits/../portraits/sdxl.json, /srv/workflows/portraits/sdxl.json",
    "shots/plate.json, /home/me/shots/plate.json",
    "/home/me/shots/plate.json, /home/me/shots/plate.json",
    "/srv/workflows/portraits/sdxl.json, /srv/workflows/portraits/sdxl.json",
  })
  void resolvesReadablePathsInsideTheRoots(String given, String expected) throws IOException {
    assertThat(unixRoots().resolveForRead(given)).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "../../etc/passwd|is outside the allowed roots",
        "portraits/../../../etc/passwd|is outside the allowed roots",
        "/etc/passwd|is outside the allowed roots",
        "/srv/workflows-old/x.json|is outside the allowed roots",
        "portraits/missing.json|no file 'portraits/missing.json'",
        "portraits|is not a regular file",
        "' '|a path is needed",
      })
  void refusesReadsOutsideTheRootsOrOfMissingFiles(String given, String message)
      throws IOException {
    AllowedRoots roots = unixRoots();
    assertThatThrownBy(() -> roots.resolveForRead(given.replace("'", "")))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesLinksThatPointOutOfTheRoots() throws IOException {
    AllowedRoots roots = unixRoots();
    Files.createSymbolicLink(fs.getPath("/srv/workflows/escape.json"), fs.getPath("/etc/passwd"));
    Files.createSymbolicLink(fs.getPath("/srv/workflows/etc"), fs.getPath("/etc"));

    assertThatThrownBy(() -> roots.resolveForRead("escape.json"))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining("through a link");
    assertThatThrownBy(() -> roots.resolveForRead("etc/passwd"))
        .hasMessageContaining("through a link");
    assertThatThrownBy(() -> roots.resolveForWrite("etc/new.json"))
        .hasMessageContaining("through a link");
    assertThatThrownBy(() -> roots.resolveForWrite("escape.json"))
        .hasMessageContaining("through a link");
  }

  @Test
  void followsLinksThatStayInsideTheRoots() throws IOException {
    AllowedRoots roots = unixRoots();
    Files.createSymbolicLink(
        fs.getPath("/srv/workflows/latest.json"), fs.getPath("/srv/workflows/portraits/sdxl.json"));
    assertThat(roots.resolveForRead("latest.json")).hasToString("/srv/workflows/latest.json");
  }

  @Test
  void writesIntoTheFirstRootCreatingDirectories() throws IOException {
    AllowedRoots roots = unixRoots();
    Path target = roots.resolveForWrite("out/v2/shot.json");
    assertThat(target).hasToString("/srv/workflows/out/v2/shot.json");
    assertThat(Files.isDirectory(fs.getPath("/srv/workflows/out/v2"))).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "../x.json|is outside the allowed roots",
        "/tmp/x.json|is outside the allowed roots",
        "portraits|is a directory",
        "/srv/workflows|is an allowed root directory",
      })
  void refusesWritesOutsideTheRootsOrOverDirectories(String given, String message)
      throws IOException {
    AllowedRoots roots = unixRoots();
    assertThatThrownBy(() -> roots.resolveForWrite(given))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining(message);
  }

  @Test
  void treatsADriveLetterAsAPlainNameOnUnix() throws IOException {
    AllowedRoots roots = unixRoots();
    Path target = roots.resolveForWrite("G:\\x");
    assertThat(target.getParent()).hasToString("/srv/workflows");
    assertThat(target.getFileName()).hasToString("G:\\x");
  }

  @Test
  void resolvesWindowsPathsInsideTheRoot() throws IOException {
    AllowedRoots roots = windowsRoots();
    assertThat(roots.resolveForRead("shot010.json"))
        .hasToString("C:\\Users\\artist\\workflows\\shot010.json");
    assertThat(roots.resolveForRead("C:\\Users\\artist\\workflows\\shot010.json"))
        .hasToString("C:\\Users\\artist\\workflows\\shot010.json");
    assertThat(roots.resolveForWrite("out/shot010_v2.json"))
        .hasToString("C:\\Users\\artist\\workflows\\out\\shot010_v2.json");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "G:\\x|is outside the allowed roots",
        "C:\\Windows\\win.ini|is outside the allowed roots",
        "..\\..\\secrets.json|is outside the allowed roots",
        "C:x.json|is relative to a drive",
        "\\x.json|is relative to a drive",
        "\\\\server\\share\\x.json|is outside the allowed roots",
        "a<b.json|is not a valid path here",
      })
  void refusesWindowsPathsOutsideTheRoot(String given, String message) throws IOException {
    AllowedRoots roots = windowsRoots();
    assertThatThrownBy(() -> roots.resolveForRead(given))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining(message);
    assertThatThrownBy(() -> roots.resolveForWrite(given))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"portraits\u0000.json"})
  void refusesInvalidUnixPaths(String given) throws IOException {
    AllowedRoots roots = unixRoots();
    assertThatThrownBy(() -> roots.resolveForRead(given))
        .isInstanceOf(PathNotAllowedException.class)
        .hasMessageContaining("is not a valid path here");
  }

  @Test
  void describesItsRoots() throws IOException {
    assertThat(unixRoots().describe()).isEqualTo("/srv/workflows, /home/me");
    assertThatThrownBy(() -> AllowedRoots.of(List.of())).hasMessageContaining("at least one");
  }
}
