package dev.comfyagent.instrument.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChainTotalsTest {

  @Test
  void theTopChainsAreThoseWithTheHighestTotalsAmongAHundredThousand() {
    ChainTotals chains = new ChainTotals();
    for (int i = 0; i < 100_000; i++) {
      long hash = TraceLine.hash("chain-" + i);
      chains.add(hash, i % 1000);
      chains.add(hash, 1);
    }
    chains.add(TraceLine.hash("chain-77"), 5_000_000);
    chains.add(TraceLine.hash("chain-123"), 4_000_000);
    assertThat(chains.size()).isEqualTo(100_000);
    long[] top = chains.top(3);
    assertThat(top).hasSize(3);
    assertThat(top[0]).isEqualTo(TraceLine.hash("chain-77"));
    assertThat(top[1]).isEqualTo(TraceLine.hash("chain-123"));
    assertThat(chains.total(top[0])).isEqualTo(5_000_000 + 77 + 1);
    assertThat(chains.total(top[2])).isEqualTo(1000);
    assertThat(chains.total(TraceLine.hash("never"))).isZero();
  }

  @Test
  void fewerChainsThanAskedGiveThemAll() {
    ChainTotals chains = new ChainTotals();
    chains.add(TraceLine.hash("a"), 1);
    assertThat(chains.top(10)).containsExactly(TraceLine.hash("a"));
    assertThat(new ChainTotals().top(10)).isEmpty();
  }
}
