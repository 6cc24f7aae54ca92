package io.meridian.cdp.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PairwiseQualityTest {
  @Test
  void countsPairsFromClusterSizesAsComputedByHand() {
    // items:        0  1  2  3  4  5  6  7
    // persons:      A  A  A  B  B  C  D  D
    // profiles:     x  x  y  y  y  z  w  w
    int[] truth = {1, 1, 1, 2, 2, 3, 4, 4};
    int[] predicted = {10, 10, 20, 20, 20, 30, 40, 40};
    PairwiseQuality q = PairwiseQuality.of(truth, predicted);
    // true pairs: A 3 + B 1 + C 0 + D 1 = 5
    assertEquals(5, q.truePairs());
    // predicted pairs: x 1 + y 3 + z 0 + w 1 = 5
    assertEquals(5, q.predictedPairs());
    // correct: (0,1) of A in x, (3,4) of B in y, (6,7) of D in w = 3
    assertEquals(3, q.correctPairs());
    assertEquals(0.6, q.precision(), 1e-12);
    assertEquals(0.6, q.recall(), 1e-12);
    assertEquals(0.6, q.f1(), 1e-12);
    assertEquals(4, q.persons());
    assertEquals(4, q.profiles());
    assertEquals(1, q.overMergedProfiles(), "y holds A and B");
    assertEquals(1, q.splitPersons(), "A is in x and y");
    assertEquals(8, q.items());
  }

  @Test
  void precisionAndRecallDifferWhenOnlyOneSideErrs() {
    // one person split in two profiles of 2: 6 true pairs, 2 predicted, both correct
    PairwiseQuality split = PairwiseQuality.of(new int[] {1, 1, 1, 1}, new int[] {1, 1, 2, 2});
    assertEquals(1.0, split.precision(), 1e-12);
    assertEquals(2.0 / 6, split.recall(), 1e-12);
    assertEquals(2 * (1.0 * (1.0 / 3)) / (1 + 1.0 / 3), split.f1(), 1e-12);
    // singletons only: no pair on either side counts as perfect
    PairwiseQuality none = PairwiseQuality.of(new int[] {1, 2}, new int[] {1, 2});
    assertEquals(1.0, none.precision());
    assertEquals(1.0, none.recall());
  }
}
