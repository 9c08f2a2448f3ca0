package dev.comfyagent.instrument.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorrelationTest {

  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void traceparentGivesItsTraceId() {
    assertThat(Correlation.traceIdOf(TRACEPARENT)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(Correlation.traceIdOf(" " + TRACEPARENT + " "))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(
            Correlation.traceIdOf("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "not a traceparent"
      })
  void invalidTraceparentsAreIgnored(String value) {
    assertThat(Correlation.traceIdOf(value)).isNull();
  }

  @Test
  void metaPrefersTraceparentOverCorrelationId() {
    assertThat(Correlation.fromMeta(Map.of("traceparent", TRACEPARENT, "correlation_id", "mine")))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(Correlation.fromMeta(Map.of("correlation_id", "render-42:a.b_c")))
        .isEqualTo("render-42:a.b_c");
    assertThat(Correlation.fromMeta(Map.of())).isNull();
    assertThat(Correlation.fromMeta(null)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "new\nline", "quote\"", "é"})
  void unsafeClientIdsAreRefused(String id) {
    assertThat(Correlation.acceptedId(id)).isNull();
    assertThat(Correlation.acceptedId("x".repeat(129))).isNull();
  }

  @Test
  void generatedIdsLookLikeTraceIdsAndDiffer() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Correlation.generate();
      assertThat(id).matches("[0-9a-f]{32}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  void sequencesAreSharedPerClientIdAndForgottenPastTheBound() {
    CorrelationSequences sequences = new CorrelationSequences(4);
    assertThat(sequences.forId("a").incrementAndGet()).isEqualTo(1);
    assertThat(sequences.forId("a").incrementAndGet()).isEqualTo(2);
    for (int i = 0; i < 10; i++) {
      sequences.forId("id" + i);
    }
    assertThat(sequences.tracked()).isLessThanOrEqualTo(4);
    assertThat(CorrelationSequences.fresh().incrementAndGet()).isEqualTo(1);
  }
}
