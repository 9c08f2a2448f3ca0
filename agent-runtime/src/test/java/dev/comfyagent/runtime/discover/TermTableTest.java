package dev.comfyagent.runtime.discover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TermTableTest {

  @Test
  void givesTheSameIdToTheSameCharsWhereverTheyComeFrom() {
    TermTable terms = new TermTable(4);
    char[] buffer = "xximagexx".toCharArray();

    int fromChars = terms.intern(buffer, 2, 5);
    int fromString = terms.intern("image");
    int other = terms.intern("images");

    assertThat(fromString).isEqualTo(fromChars);
    assertThat(other).isNotEqualTo(fromChars);
    assertThat(terms.term(fromChars)).isEqualTo("image");
    assertThat(terms.size()).isEqualTo(2);
  }

  @Test
  void keepsEveryTermWhenItGrowsFarPastItsFirstSize() {
    TermTable terms = new TermTable(2);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      words.add("word" + i + "x".repeat(i % 40));
    }

    int[] ids = words.stream().mapToInt(terms::intern).toArray();

    assertThat(terms.size()).isEqualTo(words.size());
    for (int i = 0; i < words.size(); i++) {
      char[] chars = words.get(i).toCharArray();
      assertThat(terms.intern(chars, 0, chars.length)).isEqualTo(ids[i]);
      assertThat(terms.term(ids[i])).isEqualTo(words.get(i));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void sortsIdsInTheOrderOfStringCompareTo(long seed) {
    Random random = new Random(seed);
    Set<String> words = new LinkedHashSet<>();
    String alphabet = "aab0z9\u00e9\u0130\uD83D\uDD25\u4e00";
    while (words.size() < 3_000) {
      StringBuilder w = new StringBuilder();
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        w.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      words.add(w.toString());
    }
    // Long shared prefixes and prefixes of one another, as node names have.
    for (int i = 0; i < 300; i++) {
      words.add("imageupscale".substring(0, i % 13) + i);
    }
    TermTable terms = new TermTable(16);
    int[] ids = words.stream().mapToInt(terms::intern).toArray();

    terms.sort(ids);

    String[] expected = words.toArray(new String[0]);
    Arrays.sort(expected);
    assertThat(Arrays.stream(ids).mapToObj(terms::term).toArray(String[]::new))
        .containsExactly(expected);
  }

  @Test
  void sortsTermsThatAreAllPrefixesOfOneAnother() {
    TermTable terms = new TermTable(16);
    List<Integer> ids = new ArrayList<>();
    for (int length = 400; length >= 1; length--) {
      ids.add(terms.intern("a".repeat(length)));
    }
    int[] order = ids.stream().mapToInt(Integer::intValue).toArray();

    terms.sort(order);

    for (int i = 0; i < order.length; i++) {
      assertThat(terms.term(order[i])).hasSize(i + 1);
    }
  }
}
