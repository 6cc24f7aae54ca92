package io.meridian.cdp.clean;

import java.io.IOException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Set;

/**
 * Remembers which unit of work first stored each (tenant, messageId). Claims are idempotent per
 * owner: a unit that is processed again (after a crash or a retry) gets its own ids back as "not
 * duplicates", so re-running never turns a record into its own duplicate. A file-backed
 * implementation serves local mode; DynamoDB conditional writes serve AWS.
 */
public interface DedupIndex {
  /**
   * Claims {@code messageIds} for {@code owner} and makes the claims durable.
   *
   * @param day the day the owner's records were received (implementations may de-duplicate within a
   *     window of days around it)
   * @return the ids already claimed by a different owner (the duplicates)
   */
  Set<String> claim(String tenant, LocalDate day, String owner, Collection<String> messageIds)
      throws IOException;

  /**
   * As {@link #claim}, for an owner that is part of a larger {@code unit} (a raw object, whose
   * owners are its chunks): the claims hold for every later claim at once, but may become durable
   * only at {@link #commitUnit} for that unit, together with the unit's other claims, so that an
   * index in files needs one durable write per unit instead of one per chunk. A converter commits
   * the unit before it stores the unit's output; a unit that fails before that is converted again
   * with the same owners and gets its claims back. The default claims durably at once.
   */
  default Set<String> claimInUnit(
      String tenant, LocalDate day, String unit, String owner, Collection<String> messageIds)
      throws IOException {
    return claim(tenant, day, owner, messageIds);
  }

  /**
   * Makes the claims made by {@link #claimInUnit} for {@code unit} durable. The default does
   * nothing (its claims already are).
   */
  default void commitUnit(String tenant, LocalDate day, String unit) throws IOException {}
}
