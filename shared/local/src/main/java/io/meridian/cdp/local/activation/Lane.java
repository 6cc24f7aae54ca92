package io.meridian.cdp.local.activation;

import io.meridian.cdp.activation.DestinationConfig;
import io.meridian.cdp.activation.DestinationReport;
import io.meridian.cdp.activation.PayloadMapping;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One destination's own queue and workers for one publish: at most {@code concurrency} deliveries
 * in flight, nothing shared with other destinations but the CPU.
 */
final class Lane implements AutoCloseable {
  /** How long workers interrupted at the deadline get to record their outcome. */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  final String tenant;
  final DestinationConfig config;
  final PayloadMapping mapping;
  private final Deliverer deliverer;
  private final DeadLetters deadLetters;
  private final ThreadPoolExecutor executor;

  final LongAdder matched = new LongAdder();
  final LongAdder excluded = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder retries = new LongAdder();

  Lane(String tenant, DestinationConfig config, Deliverer deliverer, DeadLetters deadLetters) {
    this.tenant = tenant;
    this.config = config;
    this.mapping = config.payloadMapping();
    this.deliverer = deliverer;
    this.deadLetters = deadLetters;
    int workers = deliverer instanceof FileSink ? 1 : config.concurrencyOrDefault();
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            workers,
            workers,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(
                      r, "activation-" + tenant + "-" + config.id() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  void submit(Delivery delivery) {
    executor.execute(new Task(delivery));
  }

  /**
   * Waits for every submitted delivery until {@code deadlineNanos} ({@link System#nanoTime()});
   * then interrupts what is still running and dead-letters what never started.
   */
  void finishBy(long deadlineNanos) throws InterruptedException {
    executor.shutdown();
    if (executor.awaitTermination(
        Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return;
    }
    List<Runnable> neverStarted = executor.shutdownNow();
    for (Runnable r : neverStarted) {
      record(
          ((Task) r).delivery,
          Outcome.failed(0, 0, "the run's deadline passed before the first attempt"));
    }
    executor.awaitTermination(GRACE_NANOS, TimeUnit.NANOSECONDS);
  }

  private void record(Delivery delivery, Outcome outcome) {
    retries.add(Math.max(0, outcome.attempts() - 1));
    if (outcome.delivered()) {
      delivered.increment();
    } else {
      deadLetters.add(delivery, outcome);
      deadLettered.increment();
    }
  }

  DestinationReport report() {
    return new DestinationReport(
        tenant,
        config.id(),
        matched.sum(),
        excluded.sum(),
        delivered.sum(),
        deadLettered.sum(),
        retries.sum());
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      deliverer.close();
    } finally {
      deadLetters.close();
    }
  }

  private final class Task implements Runnable {
    final Delivery delivery;

    Task(Delivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public void run() {
      Outcome outcome;
      try {
        outcome = deliverer.deliver(delivery);
      } catch (RuntimeException e) {
        outcome = Outcome.failed(0, 0, "delivery failed: " + e.getClass().getSimpleName());
      }
      record(delivery, outcome);
    }
  }
}
