package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchTextTest {

  @ParameterizedTest
  @CsvSource({
    "KSamplerAdvanced, k|sampler|advanced",
    "VAEDecode, vae|decode",
    "CLIPTextEncode, clip|text|encode",
    "SD3Loader, sd3|loader",
    "sampler, sampler",
    "UPPER, upper"
  })
  void splitsWordsAtCamelCaseBoundaries(String word, String parts) {
    assertThat(SearchText.camelParts(word)).containsExactly(parts.split("\\|"));
  }

  @ParameterizedTest
  @CsvSource({
    "'Load Checkpoint', loadcheckpoint",
    "'load_checkpoint', loadcheckpoint",
    "'Image Blend (WAS)', imageblendwas"
  })
  void keyIgnoresCaseSpacesAndPunctuation(String text, String key) {
    assertThat(SearchText.key(text)).isEqualTo(key);
  }

  @ParameterizedTest
  @CsvSource({
    "sampler, sampler, 2, 0",
    "samplr, sampler, 2, 1",
    "smapler, sampler, 2, 1",
    "sapmler, sampler, 1, 1",
    "spmaler, sampler, 2, 2",
    "spmaler, sampler, 1, 2",
    "upscle, upscale, 2, 1",
    "abc, xyz, 1, 2",
    "short, muchlongerword, 2, 3"
  })
  void boundedDistanceCountsEditsUpToTheBound(String a, String b, int max, int expected) {
    assertThat(SearchText.boundedDistance(a, b, max)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void tokensHoldWholeWordsAndTheirParts() {
    assertThat(SearchText.tokens("CLIPTextEncode (SDXL)"))
        .isEqualTo(List.of("cliptextencode", "clip", "text", "encode", "sdxl"));
  }
}
