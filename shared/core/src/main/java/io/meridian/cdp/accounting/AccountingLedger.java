package io.meridian.cdp.accounting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stores and reads {@link StageCounts}. A unit's record is written last, after its output, so its
 * presence means the unit is done: stages use it to skip work already committed.
 */
public final class AccountingLedger {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final ObjectStore store;

  public AccountingLedger(ObjectStore store) {
    this.store = store;
  }

  /** Key of the record for one unit. */
  public static String key(String stage, String tenant, LocalDate dt, String unitId) {
    return LakeLayout.accountingKey(stage, tenant, dt, unitId);
  }

  public void record(StageCounts counts, LocalDate dt, String unitId) throws IOException {
    store.put(key(counts.stage(), counts.tenant(), dt, unitId), MAPPER.writeValueAsBytes(counts));
  }

  public boolean isDone(String stage, String tenant, LocalDate dt, String unitId)
      throws IOException {
    return store.exists(key(stage, tenant, dt, unitId));
  }

  public Optional<StageCounts> read(String key) throws IOException {
    Optional<byte[]> bytes = store.get(key);
    return bytes.isEmpty()
        ? Optional.empty()
        : Optional.of(MAPPER.readValue(bytes.get(), StageCounts.class));
  }

  /** Every record of {@code stage}. */
  public List<StageCounts> all(String stage) throws IOException {
    List<StageCounts> out = new ArrayList<>();
    for (String k : store.list(LakeLayout.ACCOUNTING + "stage=" + stage + "/")) {
      read(k).ifPresent(out::add);
    }
    return out;
  }
}
