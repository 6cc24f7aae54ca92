package io.meridian.cdp.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Heap measurements shared by the benchmark commands. */
final class HeapPeaks {
  private HeapPeaks() {}

  /** Collects garbage, then starts measuring peaks afresh. */
  static void reset() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  /**
   * The sum of the heap pools' peaks since {@link #reset()}: an upper bound, which can exceed
   * {@code -Xmx} because the pools peak at different times.
   */
  static long peak() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
