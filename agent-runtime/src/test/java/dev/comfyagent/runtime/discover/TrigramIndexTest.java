package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TrigramIndexTest {

  @Test
  void holdsForEachTrigramTheItemsThatHaveItAsAPlainReadingOfTheItemsWould() {
    Random random = new Random(7);
    // Letters and digits, the boundary marks' neighbours, chars outside the alphabet, and chars
    // whose ten-bit code is that of a letter (U+0461 packs as 'a').
    String alphabet = "abcxyz019\u00e9\u4e00\u0461\u0130_";
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      StringBuilder item = new StringBuilder();
      int length = random.nextInt(14);
      for (int c = 0; c < length; c++) {
        item.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      items.add(item.toString());
    }
    items.add("aaaaaaaa");
    String[] sorted = items.stream().sorted().toArray(String[]::new);

    TrigramIndex index = TrigramIndex.padded(sorted, 3);

    Map<Integer, TreeSet<Integer>> expected = new TreeMap<>();
    for (int item = 0; item < sorted.length; item++) {
      if (sorted[item].length() >= 3) {
        for (int gram : SearchText.paddedTrigrams(sorted[item])) {
          expected.computeIfAbsent(gram, g -> new TreeSet<>()).add(item);
        }
      }
    }
    assertThat(index.grams)
        .containsExactly(expected.keySet().stream().mapToInt(Integer::intValue).toArray());
    for (int row = 0; row < index.grams.length; row++) {
      int[] ids = Arrays.copyOfRange(index.ids, index.offsets[row], index.offsets[row + 1]);
      assertThat(ids)
          .as("row of %08x", index.grams[row])
          .containsExactly(
              expected.get(index.grams[row]).stream().mapToInt(Integer::intValue).toArray());
      assertThat(index.length(row)).isEqualTo(ids.length);
      assertThat(index.find(index.grams[row])).isEqualTo(row);
    }
    assertThat(index.find(SearchText.trigram('q', 'q', 'q'))).isEqualTo(-1);
  }

  @Test
  void leavesOutItemsShorterThanTheMinimum() {
    TrigramIndex index = TrigramIndex.padded(new String[] {"ab", "abc"}, 3);

    assertThat(index.ids).containsOnly(1);
    assertThat(index.grams).hasSize(3);
  }
}
