package io.meridian.cdp.privacy;

import io.meridian.cdp.accounting.AccountingLedger;
import io.meridian.cdp.clean.RawToClean;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.LakeLayout.RawObject;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.tenant.SourceConfig;
import io.meridian.cdp.tenant.TenantConfig;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * {@link Erasure.InFlight} of a deployment where accepted calls travel through a stream before they
 * reach the raw zone (AWS: Kinesis → stream-to-raw → raw object → raw-to-clean). A call accepted
 * before the person was suppressed is in the clean zone once
 *
 * <ol>
 *   <li>the stream can no longer hold it: {@code streamDelay} (the stream consumer's maximum record
 *       age plus its timeout) has passed since the suppression, and
 *   <li>every raw object of the tenant received from {@code streamDelay} plus a day before the
 *       suppression up to its hour has been converted (its accounting record exists).
 * </ol>
 *
 * A raw object whose conversion keeps failing (in the dead-letter queue) holds the erasure until it
 * is converted: the wait names how many there are. Older raw objects are converted long before,
 * unless an operator left a failed one for more than a day.
 */
public final class PipelineSettled implements Erasure.InFlight {
  /** How often to ask again while raw objects wait for their conversion. */
  static final Duration CONVERSION_RECHECK = Duration.ofMinutes(5);

  private final ObjectStore store;
  private final Duration streamDelay;
  private final Clock clock;

  public PipelineSettled(ObjectStore store, Duration streamDelay, Clock clock) {
    if (streamDelay.isNegative()) {
      throw new IllegalArgumentException("the stream delay must not be negative");
    }
    this.store = store;
    this.streamDelay = streamDelay;
    this.clock = clock;
  }

  @Override
  public Optional<Erasure.Wait> pending(TenantConfig tenant, Instant suppressedAt)
      throws IOException {
    Instant settled = suppressedAt.plus(streamDelay);
    Instant now = clock.instant();
    if (now.isBefore(settled)) {
      return Optional.of(
          new Erasure.Wait(
              "calls accepted before the suppression may still be in the stream until " + settled,
              Duration.between(now, settled)));
    }
    AccountingLedger ledger = new AccountingLedger(store);
    LocalDate from =
        LocalDate.ofInstant(
            suppressedAt.minus(streamDelay).minus(Duration.ofDays(1)), ZoneOffset.UTC);
    LocalDate to = LocalDate.ofInstant(suppressedAt, ZoneOffset.UTC);
    int lastHour = suppressedAt.atZone(ZoneOffset.UTC).getHour();
    int unconverted = 0;
    for (SourceConfig source : tenant.sources()) {
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        for (String key : store.list(LakeLayout.rawDayPrefix(tenant.id(), source.id(), day))) {
          Optional<RawObject> raw = LakeLayout.parseRawKey(key);
          if (raw.isEmpty() || (day.equals(to) && raw.get().hour() > lastHour)) {
            continue; // received after the suppression: the person's calls were refused
          }
          if (!ledger.isDone(RawToClean.STAGE, tenant.id(), day, raw.get().partId())) {
            unconverted++;
          }
        }
      }
    }
    if (unconverted > 0) {
      return Optional.of(
          new Erasure.Wait(
              unconverted + " raw objects received before the suppression are not converted yet",
              CONVERSION_RECHECK));
    }
    return Optional.empty();
  }
}
