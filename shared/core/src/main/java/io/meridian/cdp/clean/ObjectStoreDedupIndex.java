package io.meridian.cdp.clean;

import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link DedupIndex} kept in the lake itself: one object per owner listing the ids it claimed,
 * filed under the day the unit was received. Ids are de-duplicated within a window of receipt days
 * around the unit's day ({@link #DEFAULT_WINDOW_DAYS} before and after, like Segment's look-back
 * window); only the claims of those days are held in memory (30 to 40 bytes per id, see {@link
 * IdOwners}), so memory is bounded by the traffic of the window, not by the tenant's history. The
 * window is reloaded from the lake when the day being converted changes. Correct for one writer at
 * a time (local mode runs the pipeline in one process).
 */
public final class ObjectStoreDedupIndex implements DedupIndex {
  /**
   * Days before and after a unit's receipt day within which a repeated messageId is a duplicate.
   */
  public static final int DEFAULT_WINDOW_DAYS = 7;

  private final ObjectStore store;
  private final int windowDays;
  private final Map<String, Window> byTenant = new HashMap<>();

  /** The claims of one tenant's days around {@code day}. */
  private record Window(LocalDate day, IdOwners owners) {}

  public ObjectStoreDedupIndex(ObjectStore store) {
    this(store, DEFAULT_WINDOW_DAYS);
  }

  public ObjectStoreDedupIndex(ObjectStore store, int windowDays) {
    if (windowDays < 0) {
      throw new IllegalArgumentException("windowDays must not be negative: " + windowDays);
    }
    this.store = store;
    this.windowDays = windowDays;
  }

  @Override
  public synchronized Set<String> claim(
      String tenant, LocalDate day, String owner, Collection<String> messageIds)
      throws IOException {
    IdOwners owners = window(tenant, day);
    Set<String> duplicates = new HashSet<>();
    StringBuilder mine = new StringBuilder(messageIds.size() * 40);
    for (String id : messageIds) {
      String current = owners.putIfAbsent(id, owner);
      if (current != null && !current.equals(owner)) {
        duplicates.add(id);
      } else {
        mine.append(id).append('\n');
      }
    }
    store.put(
        LakeLayout.dedupKey(tenant, day, owner), mine.toString().getBytes(StandardCharsets.UTF_8));
    return duplicates;
  }

  /** The claims of the days within the window around {@code day}, loaded when the day changes. */
  private IdOwners window(String tenant, LocalDate day) throws IOException {
    Window w = byTenant.get(tenant);
    if (w != null && w.day().equals(day)) {
      return w.owners();
    }
    byTenant.remove(tenant); // let the previous window go before loading the next
    IdOwners owners = new IdOwners();
    for (LocalDate d = day.minusDays(windowDays); !d.isAfter(day.plusDays(windowDays)); ) {
      String prefix = LakeLayout.dedupDayPrefix(tenant, d);
      for (String key : store.list(prefix)) {
        String owner = key.substring(prefix.length(), key.length() - ".ids".length());
        byte[] bytes = store.get(key).orElse(new byte[0]);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          owners.putIfAbsent(text.substring(start, nl), owner);
          start = nl + 1;
        }
      }
      d = d.plusDays(1);
    }
    byTenant.put(tenant, new Window(day, owners));
    return owners;
  }
}
