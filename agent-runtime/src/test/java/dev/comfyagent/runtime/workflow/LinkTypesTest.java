package dev.comfyagent.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinkTypesTest {

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "MODEL|MODEL|true",
        "MODEL|CLIP|false",
        "*|LATENT|true",
        "IMAGE|*|true",
        "IMAGE|IMAGE,MASK|true",
        "MASK|IMAGE, MASK|true",
        "IMAGE,MASK|MASK|true",
        "LATENT|IMAGE,MASK|false",
        "INT|FLOAT|false",
        "INT,*|STRING|true",
      })
  void decidesLikeComfyUi(String produced, String accepted, boolean compatible) {
    assertThat(LinkTypes.compatible(produced, accepted)).isEqualTo(compatible);
  }
}
