package io.meridian.cdp.clean;

import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link DedupIndex} kept in the lake itself: one object per owner listing the ids it claimed,
 * filed under the day the unit was received. Ids are de-duplicated within a window of receipt days
 * around the unit's day ({@link #DEFAULT_WINDOW_DAYS} before and after, like Segment's look-back
 * window); only the claims of those days are held in memory (about 100–150 bytes per id), so memory
 * is bounded by the traffic of the window, not by the tenant's history. Correct for one writer at a
 * time (local mode runs the pipeline in one process).
 */
public final class ObjectStoreDedupIndex implements DedupIndex {
  /**
   * Days before and after a unit's receipt day within which a repeated messageId is a duplicate.
   */
  public static final int DEFAULT_WINDOW_DAYS = 7;

  private final ObjectStore store;
  private final int windowDays;
  private final Map<String, Window> byTenant = new HashMap<>();

  /** The claims of one tenant's loaded days. */
  private static final class Window {
    final Map<String, String> owners = new HashMap<>();
    final Map<LocalDate, List<String>> idsByDay = new HashMap<>();
  }

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
    Window w = window(tenant, day);
    List<String> ofDay = w.idsByDay.get(day);
    Set<String> duplicates = new HashSet<>();
    StringBuilder mine = new StringBuilder(messageIds.size() * 40);
    for (String id : messageIds) {
      String current = w.owners.putIfAbsent(id, owner);
      if (current != null && !current.equals(owner)) {
        duplicates.add(id);
      } else {
        if (current == null) {
          ofDay.add(id);
        }
        mine.append(id).append('\n');
      }
    }
    store.put(
        LakeLayout.dedupKey(tenant, day, owner), mine.toString().getBytes(StandardCharsets.UTF_8));
    return duplicates;
  }

  /** The tenant's window around {@code day}: loads missing days, forgets days outside it. */
  private Window window(String tenant, LocalDate day) throws IOException {
    Window w = byTenant.computeIfAbsent(tenant, t -> new Window());
    LocalDate from = day.minusDays(windowDays);
    LocalDate to = day.plusDays(windowDays);
    for (Iterator<Map.Entry<LocalDate, List<String>>> it = w.idsByDay.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<LocalDate, List<String>> e = it.next();
      if (e.getKey().isBefore(from) || e.getKey().isAfter(to)) {
        for (String id : e.getValue()) {
          w.owners.remove(id);
        }
        it.remove();
      }
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      if (!w.idsByDay.containsKey(d)) {
        w.idsByDay.put(d, load(tenant, d, w.owners));
      }
    }
    return w;
  }

  private List<String> load(String tenant, LocalDate day, Map<String, String> owners)
      throws IOException {
    List<String> ids = new ArrayList<>();
    String prefix = LakeLayout.dedupDayPrefix(tenant, day);
    for (String key : store.list(prefix)) {
      String owner = key.substring(prefix.length(), key.length() - ".ids".length());
      byte[] bytes = store.get(key).orElse(new byte[0]);
      String text = new String(bytes, StandardCharsets.UTF_8);
      int start = 0;
      for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        String id = text.substring(start, nl);
        if (owners.putIfAbsent(id, owner) == null) {
          ids.add(id);
        }
        start = nl + 1;
      }
    }
    return ids;
  }
}
