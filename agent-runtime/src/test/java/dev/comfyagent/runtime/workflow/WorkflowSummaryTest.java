package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkflowSummaryTest {

  private final WorkflowSummary summary = WorkflowSummary.of(Fixtures.sdxl(), Fixtures.catalog());

  @Test
  void groupsNodesByClass() {
    assertThat(summary.nodeCount()).isEqualTo(11);
    assertThat(summary.nodesByClass())
        .containsEntry("CheckpointLoaderSimple", java.util.List.of("4", "12"))
        .containsEntry("CLIPTextEncode", java.util.List.of("6", "7", "15", "16"))
        .containsEntry("KSamplerAdvanced", java.util.List.of("10", "11"))
        .hasSize(6);
  }

  @Test
  void listsEveryLinkWithItsType() {
    assertThat(summary.links()).hasSize(15);
    assertThat(summary.links())
        .anySatisfy(
            l -> {
              assertThat(l.link()).isEqualTo(new Workflow.Link("12", 2, "17", "vae"));
              assertThat(l.type()).isEqualTo("VAE");
            });
  }

  @Test
  void findsTheModelsWithTheirFolders() {
    assertThat(summary.models())
        .extracting(m -> m.folder() + "/" + m.name() + "@" + m.nodeId())
        .containsExactly(
            "checkpoints/sd_xl_base_1.0.safetensors@4",
            "checkpoints/sd_xl_refiner_1.0.safetensors@12");
  }

  @Test
  void findsUpscaleModelsLorasAndEmbeddings() {
    Workflow wf =
        WorkflowPatcher.apply(
                Fixtures.sdxl(),
                Fixtures.patch(
                    "[{\"op\":\"add\",\"path\":\"/30\",\"value\":{\"class_type\":\"UpscaleModelLoader\","
                        + "\"inputs\":{\"model_name\":\"4x-UltraSharp.pth\"}}},"
                        + "{\"op\":\"add\",\"path\":\"/31\",\"value\":{\"class_type\":\"LoraLoader\","
                        + "\"inputs\":{\"lora_name\":\"film_grain_sdxl.safetensors\"}}},"
                        + "{\"op\":\"replace\",\"path\":\"/7/inputs/text\",\"value\":\"blurry, embedding:bad_hands_v2\"}]"))
            .result();
    assertThat(WorkflowSummary.of(wf, Optional.empty()).models())
        .extracting(m -> m.folder() + "/" + m.name())
        .contains(
            "upscale_models/4x-UltraSharp.pth",
            "loras/film_grain_sdxl.safetensors",
            "embeddings/bad_hands_v2");
  }

  @Test
  void listsEditableLiteralsWithTheirRanges() {
    String text = summary.text();
    assertThat(text).startsWith("11 nodes, 15 links.");
    assertThat(text).contains("- node 10 KSamplerAdvanced \"KSampler (Advanced) - BASE\":");
    assertThat(text).contains("noise_seed = 721897303308196  [INT 0..18446744073709551615]");
    assertThat(text).contains("sampler_name = \"euler\"  [one of 37 choices]");
    assertThat(text).contains("cfg = 7.5  [FLOAT 0..100]");
    assertThat(text).doesNotContain("model = [");
  }

  @Test
  void writesTheSameFactsAsJson() {
    ObjectNode json = summary.toJson();
    assertThat(json.get("node_count").asInt()).isEqualTo(11);
    assertThat(json.get("link_count").asInt()).isEqualTo(15);
    assertThat(json.at("/editable_inputs/11/inputs/noise_seed/value").bigIntegerValue())
        .hasToString("18446744073709551615");
    assertThat(json.at("/editable_inputs/11/inputs/noise_seed/max").decimalValue())
        .isEqualByComparingTo("18446744073709551615");
    assertThat(json.at("/editable_inputs/11/inputs/scheduler/choices").asInt()).isEqualTo(9);
    assertThat(json.at("/models/0/folder").asText()).isEqualTo("checkpoints");
    assertThat(json.at("/links/0/type").asText()).isNotEmpty();
  }

  @Test
  void saysWhenTheCatalogWasUnavailable() {
    WorkflowSummary bare = WorkflowSummary.of(Fixtures.sdxl(), Optional.empty());
    assertThat(bare.text()).contains("catalog was unavailable");
    assertThat(bare.links()).allSatisfy(l -> assertThat(l.type()).isNull());
    assertThat(bare.models()).hasSize(2);
  }
}
