package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NvidiaSmiLocatorTest {

  private FileSystem fileSystem;

  @AfterEach
  void closeFileSystem() throws IOException {
    if (fileSystem != null) {
      fileSystem.close();
    }
  }

  private HostEnvironment windows(Map<String, String> variables) {
    fileSystem =
        Jimfs.newFileSystem(Configuration.windows().toBuilder().setRoots("C:\\", "D:\\").build());
    return new HostEnvironment("Windows 11", variables, fileSystem);
  }

  private HostEnvironment unix(Map<String, String> variables) {
    fileSystem = Jimfs.newFileSystem(Configuration.unix());
    return new HostEnvironment("Linux", variables, fileSystem);
  }

  private static Path touch(HostEnvironment host, String name) throws IOException {
    Path file = host.fileSystem().getPath(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "fake");
    return file;
  }

  @ParameterizedTest
  @ValueSource(strings = {"nvidia-smi.exe", "nvidia-smi.bat", "nvidia-smi.cmd"})
  void findsEachWindowsExecutableNameOnPath(String name) throws IOException {
    HostEnvironment host = windows(Map.of("Path", "C:\\Tools;C:\\Drivers"));
    Path expected = touch(host, "C:\\Drivers\\" + name);

    assertThat(new NvidiaSmiLocator(host).locate(null)).contains(expected);
  }

  @Test
  void prefersTheExeOverTheBatInTheSameWindowsFolder() throws IOException {
    HostEnvironment host = windows(Map.of("PATH", "C:\\Tools"));
    touch(host, "C:\\Tools\\nvidia-smi.bat");
    Path exe = touch(host, "C:\\Tools\\nvidia-smi.exe");

    assertThat(new NvidiaSmiLocator(host).locate(null)).contains(exe);
  }

  @Test
  void honoursWindowsPathOrderAndQuotedEntries() throws IOException {
    HostEnvironment host = windows(Map.of("PATH", "\"C:\\Program Files\\First\";C:\\Second"));
    Path first = touch(host, "C:\\Program Files\\First\\nvidia-smi.bat");
    touch(host, "C:\\Second\\nvidia-smi.exe");

    assertThat(new NvidiaSmiLocator(host).locate(null)).contains(first);
  }

  @Test
  void fallsBackToTheNvsmiFolderUnderProgramFiles() throws IOException {
    HostEnvironment host = windows(Map.of("PATH", "C:\\Tools", "ProgramFiles", "D:\\Programs"));
    Path nvsmi = touch(host, "D:\\Programs\\NVIDIA Corporation\\NVSMI\\nvidia-smi.exe");

    assertThat(new NvidiaSmiLocator(host).locate(null)).contains(nvsmi);
  }

  @Test
  void fallsBackToSystem32WithDefaultFolders() throws IOException {
    HostEnvironment host = windows(Map.of());
    Path system32 = touch(host, "C:\\Windows\\System32\\nvidia-smi.exe");

    assertThat(new NvidiaSmiLocator(host).locate(null)).contains(system32);
  }

  @Test
  void saysWhereItLookedOnWindows() {
    HostEnvironment host = windows(Map.of("PATH", "C:\\Tools"));

    NvidiaSmiLocator locator = new NvidiaSmiLocator(host);

    assertThat(locator.locate(null)).isEmpty();
    assertThat(locator.describeSearch(null))
        .isEqualTo(
            "nvidia-smi.exe is not on PATH (C:\\Tools) nor in C:\\Program Files\\NVIDIA"
                + " Corporation\\NVSMI or C:\\Windows\\System32");
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void findsTheFirstExecutableOnAUnixPath(@TempDir Path temp) throws IOException {
    // Jimfs does not check permissions, so this one runs on the real file system.
    Path notExecutable = Files.createDirectories(temp.resolve("a")).resolve("nvidia-smi");
    Files.writeString(notExecutable, "#!/bin/sh\n");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
    Path executable = Files.createDirectories(temp.resolve("b")).resolve("nvidia-smi");
    Files.writeString(executable, "#!/bin/sh\n");
    Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path later = Files.createDirectories(temp.resolve("c")).resolve("nvidia-smi");
    Files.copy(executable, later);
    String path = temp.resolve("a") + "::" + temp.resolve("b") + ":" + temp.resolve("c");
    HostEnvironment host =
        new HostEnvironment("Linux", Map.of("PATH", path), FileSystems.getDefault());

    assertThat(new NvidiaSmiLocator(host).locate(null)).contains(executable);
  }

  @Test
  void ignoresWindowsNamesOnUnix() throws IOException {
    HostEnvironment host = unix(Map.of("PATH", "/opt/a"));
    touch(host, "/opt/a/nvidia-smi.exe");

    NvidiaSmiLocator locator = new NvidiaSmiLocator(host);

    assertThat(locator.locate(null)).isEmpty();
    assertThat(locator.describeSearch(null)).isEqualTo("nvidia-smi is not on PATH (/opt/a)");
  }

  @Test
  void usesAnExplicitPathOnlyWhenItExists() throws IOException {
    HostEnvironment host = unix(Map.of("PATH", "/usr/bin"));
    Path custom = touch(host, "/opt/nvidia/bin/nvidia-smi");
    NvidiaSmiLocator locator = new NvidiaSmiLocator(host);

    assertThat(locator.locate(Path.of("/opt/nvidia/bin/nvidia-smi"))).contains(custom);
    assertThat(locator.locate(Path.of("/opt/missing/nvidia-smi"))).isEmpty();
    assertThat(locator.describeSearch(Path.of("/opt/missing/nvidia-smi")))
        .isEqualTo("gpu.nvidia-smi=/opt/missing/nvidia-smi does not exist");
  }

  @Test
  void readsWindowsVariablesWhateverTheirCase() {
    HostEnvironment host = windows(Map.of("pAtH", "C:\\x"));

    assertThat(host.variable("PATH")).contains("C:\\x");
    assertThat(host.withVariable("PATH", "C:\\y").variable("Path")).contains("C:\\y");
  }
}
