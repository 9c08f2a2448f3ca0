package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestMatchesTest {

  @Test
  void ranksCaseInsensitiveEqualsThenContainmentThenEditDistance() {
    List<String> candidates = List.of("seed", "noise_seed", "Seed", "steps", "sed_x");
    assertThat(ClosestMatches.among("SEED", candidates, 3))
        .containsExactly("Seed", "seed", "noise_seed");
    assertThat(ClosestMatches.among("stepz", candidates, 1)).containsExactly("steps");
  }

  @Test
  void offersNothingWhenEverythingIsFar() {
    assertThat(ClosestMatches.among("cfg", List.of("denoise", "scheduler"), 3)).isEmpty();
    assertThat(ClosestMatches.distance("kitten", "sitting", 10)).isEqualTo(3);
    assertThat(ClosestMatches.distance("a", "abcdef", 2)).isEqualTo(3);
  }
}
