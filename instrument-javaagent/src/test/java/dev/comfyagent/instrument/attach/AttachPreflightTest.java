package dev.comfyagent.instrument.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfyagent.instrument.attach.AttachPreflight.ProcessFacts;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttachPreflightTest {

  private static ProcessFacts running(long pid, String user) {
    return new ProcessFacts(pid, true, Optional.ofNullable(user), Optional.of("java -jar app.jar"));
  }

  @Test
  void goesAheadForAListedJvmOfTheSameUser() {
    assertThat(AttachPreflight.refusal(running(42, "vfx"), 7, "vfx", true, false)).isEmpty();
  }

  @Test
  void refusesAJvmOfAnotherUserSayingHowToRunIt() {
    assertThat(AttachPreflight.refusal(running(42, "render"), 7, "vfx", true, false))
        .contains(
            "pid 42 runs as user 'render' but this command runs as 'vfx': the attach API only"
                + " connects to JVMs of the same user. Run the command as that user, e.g. sudo -u"
                + " render java -jar <agent jar> attach 42");
  }

  @ParameterizedTest
  @CsvSource({"STUDIO\\vfx,vfx", "studio\\VFX,vfx", "vfx,vfx"})
  void treatsAWindowsDomainUserAsTheSameUser(String owner, String current) {
    assertThat(AttachPreflight.refusal(running(42, owner), 7, current, true, false)).isEmpty();
  }

  @Test
  void goesAheadWhenTheOsDoesNotTellTheOwner() {
    assertThat(AttachPreflight.refusal(running(42, null), 7, "vfx", true, false)).isEmpty();
  }

  @Test
  void refusesAnUnlistedProcessUnlessForced() {
    assertThat(AttachPreflight.refusal(running(42, "vfx"), 7, "vfx", false, false))
        .get()
        .asString()
        .startsWith("pid 42 (java -jar app.jar) is not listed as a JVM that accepts attach.")
        .contains("-XX:-UsePerfData");
    assertThat(AttachPreflight.refusal(running(42, "vfx"), 7, "vfx", false, true)).isEmpty();
  }

  @Test
  void refusesItselfAndProcessesThatDoNotRunEvenWhenForced() {
    assertThat(AttachPreflight.refusal(running(7, "vfx"), 7, "vfx", true, true))
        .get()
        .asString()
        .contains("is this attach command itself");
    ProcessFacts gone = new ProcessFacts(42, false, Optional.empty(), Optional.empty());
    assertThat(AttachPreflight.refusal(gone, 7, "vfx", false, true))
        .get()
        .asString()
        .startsWith("no process with pid 42 is running");
  }

  @Test
  void readsTheFactsOfThisProcess() {
    ProcessFacts self = ProcessFacts.of(ProcessHandle.current().pid());

    assertThat(self.running()).isTrue();
    assertThat(self.user()).isPresent();
  }
}
