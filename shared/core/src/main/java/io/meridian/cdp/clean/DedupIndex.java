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
}
