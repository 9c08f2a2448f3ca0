package dev.comfyagent.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorrelationIdsTest {

  @Test
  void takesTheTraceIdOfAW3cTraceparent() {
    String id =
        CorrelationIds.choose(
            Map.of(
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "correlation_id", "ignored"));

    assertThat(id).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void takesAClientCorrelationIdWhenThereIsNoTraceparent() {
    assertThat(CorrelationIds.choose(Map.of("correlation_id", "render-42.a:b")))
        .isEqualTo("render-42.a:b");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "garbage"
      })
  void ignoresAnInvalidTraceparent(String traceparent) {
    String id = CorrelationIds.choose(Map.of("traceparent", traceparent));

    assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @ParameterizedTest
  @ValueSource(strings = {"has space", "line\nbreak", "", "x{y}"})
  void generatesAnIdInsteadOfAnUnsafeOne(String unsafe) {
    Map<String, Object> meta = new HashMap<>();
    meta.put("correlation_id", unsafe);

    assertThat(CorrelationIds.choose(meta)).matches("[0-9a-f]{32}");
  }

  @Test
  void generatesAnIdWithoutMeta() {
    assertThat(CorrelationIds.choose(null)).matches("[0-9a-f]{32}");
    assertThat(CorrelationIds.generate()).isNotEqualTo(CorrelationIds.generate());
  }
}
