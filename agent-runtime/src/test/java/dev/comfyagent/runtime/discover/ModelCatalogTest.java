package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfyagent.runtime.comfy.ComfyUiUnavailableException;
import dev.comfyagent.runtime.tool.ToolException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeComfyUiClient client =
      new FakeComfyUiClient(DiscoverFixtures.objectInfo())
          .folder("checkpoints", "sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors")
          .folder("loras", "detail_tweaker.safetensors");
  private final ModelCatalog models = new ModelCatalog(client, Duration.ofMinutes(5), clock);

  @Test
  void servesListsFromTheCacheWithinTheTimeToLive() {
    models.files("checkpoints");
    clock.advance(Duration.ofMinutes(4));
    client.folder("checkpoints", "new.safetensors");

    assertThat(models.files("checkpoints")).hasSize(2);
    assertThat(client.modelCalls).hasValue(1);
  }

  @Test
  void asksAgainOnceTheTimeToLiveHasPassed() {
    models.files("checkpoints");
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    client.folder("checkpoints", "new.safetensors");

    assertThat(models.files("checkpoints")).containsExactly("new.safetensors");
  }

  @Test
  void refreshForgetsEveryList() {
    models.folders();
    models.files("loras");
    client.folder("loras", "a.safetensors", "b.safetensors");

    models.refresh();

    assertThat(models.size()).isZero();
    assertThat(models.files("loras")).hasSize(2);
  }

  @Test
  void sizeCountsTheModelFilesHeld() {
    assertThat(models.size()).isZero();
    models.folders();
    models.files("checkpoints");
    models.files("loras");

    assertThat(models.size()).isEqualTo(3);
  }

  @Test
  void namesTheFoldersThereAreWhenAFolderDoesNotExist() {
    assertThatThrownBy(() -> models.files("checkpoint"))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "ComfyUI has no model folder 'checkpoint'; its folders are: checkpoints, loras");
  }

  @Test
  void passesOnThatComfyUiIsNotReachable() {
    client.reachable(false);

    assertThatThrownBy(models::folders)
        .isInstanceOf(ComfyUiUnavailableException.class)
        .hasMessageContaining("127.0.0.1:8188");
  }
}
