package io.meridian.cdp.identity;

import java.util.HashMap;
import java.util.Map;

/**
 * Pairwise precision and recall of a clustering against the truth.
 *
 * <p>Items (events) carry a true label (the person) and a predicted label (the profile). A pair of
 * items is <em>true</em> when both belong to one person and <em>predicted</em> when both belong to
 * one profile; precision is the share of predicted pairs that are true, recall the share of true
 * pairs that are predicted. Pairs are never enumerated: a cluster of n items holds n(n-1)/2 pairs,
 * so the counts come from the sizes of the persons, of the profiles and of their intersections (the
 * contingency table), in O(items).
 *
 * @param items items compared
 * @param truePairs pairs of items of one person
 * @param predictedPairs pairs of items of one profile
 * @param correctPairs pairs of items of one person and one profile
 * @param persons distinct true labels
 * @param profiles distinct predicted labels
 * @param overMergedProfiles profiles holding items of more than one person
 * @param splitPersons persons whose items are spread over more than one profile
 */
public record PairwiseQuality(
    long items,
    long truePairs,
    long predictedPairs,
    long correctPairs,
    int persons,
    int profiles,
    int overMergedProfiles,
    int splitPersons) {

  /** Correct pairs / predicted pairs; 1 when no pair is predicted. */
  public double precision() {
    return predictedPairs == 0 ? 1.0 : (double) correctPairs / predictedPairs;
  }

  /** Correct pairs / true pairs; 1 when there is no true pair. */
  public double recall() {
    return truePairs == 0 ? 1.0 : (double) correctPairs / truePairs;
  }

  /** Harmonic mean of precision and recall. */
  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /**
   * Compares two labellings of the same items: {@code truth[i]} and {@code predicted[i]} are the
   * person and the profile of item i (any ints; equal ints mean the same cluster).
   */
  public static PairwiseQuality of(int[] truth, int[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          truth.length + " true labels but " + predicted.length + " predicted labels");
    }
    Map<Integer, Integer> personSize = new HashMap<>();
    Map<Integer, Integer> profileSize = new HashMap<>();
    Map<Long, Integer> cellSize = new HashMap<>();
    for (int i = 0; i < truth.length; i++) {
      personSize.merge(truth[i], 1, Integer::sum);
      profileSize.merge(predicted[i], 1, Integer::sum);
      cellSize.merge(((long) truth[i] << 32) | (predicted[i] & 0xffffffffL), 1, Integer::sum);
    }
    Map<Integer, Integer> personsPerProfile = new HashMap<>();
    Map<Integer, Integer> profilesPerPerson = new HashMap<>();
    long correct = 0;
    for (Map.Entry<Long, Integer> cell : cellSize.entrySet()) {
      correct += pairs(cell.getValue());
      int person = (int) (cell.getKey() >> 32);
      int profile = (int) (long) cell.getKey();
      personsPerProfile.merge(profile, 1, Integer::sum);
      profilesPerPerson.merge(person, 1, Integer::sum);
    }
    return new PairwiseQuality(
        truth.length,
        personSize.values().stream().mapToLong(PairwiseQuality::pairs).sum(),
        profileSize.values().stream().mapToLong(PairwiseQuality::pairs).sum(),
        correct,
        personSize.size(),
        profileSize.size(),
        (int) personsPerProfile.values().stream().filter(n -> n > 1).count(),
        (int) profilesPerPerson.values().stream().filter(n -> n > 1).count());
  }

  private static long pairs(long n) {
    return n * (n - 1) / 2;
  }
}
