package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WorkflowTextTest {

  private static List<String> lines(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "change " + i).toList();
  }

  @Test
  void listsUpToFortyChangesInFull() {
    String text = WorkflowText.changeList(lines(WorkflowText.MAX_LISTED_CHANGES));

    assertThat(text.lines()).hasSize(40).startsWith("- change 1").endsWith("- change 40");
  }

  @Test
  void saysHowManyMoreThereAreBeyondForty() {
    String text = WorkflowText.changeList(lines(43));

    assertThat(text.lines()).hasSize(41);
    assertThat(text).endsWith("- change 40\n- ... and 3 more (see structuredContent)");
  }

  @Test
  void saysWhenThereIsNoChange() {
    assertThat(WorkflowText.changeList(List.of())).isEqualTo("(no changes)");
  }

  @Test
  void countsInTheSingularOnlyForOne() {
    assertThat(WorkflowText.plural(0, "node")).isEqualTo("0 nodes");
    assertThat(WorkflowText.plural(1, "node")).isEqualTo("1 node");
    assertThat(WorkflowText.plural(2, "node")).isEqualTo("2 nodes");
  }
}
