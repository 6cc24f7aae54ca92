package io.meridian.cdp.clean;

import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link DedupIndex} kept in the lake itself: one object per unit listing the ids each of its
 * owners claimed ({@link #claimInUnit}, ADR 0030), or one per owner ({@link #claim}), filed under
 * the day the unit was received. Ids are de-duplicated within a window of receipt days around the
 * unit's day ({@link #DEFAULT_WINDOW_DAYS} before and after, like Segment's look-back window); only
 * the claims of those days are held in memory (30 to 40 bytes per id, see {@link IdOwners}), so
 * memory is bounded by the traffic of the window, not by the tenant's history. The window is
 * reloaded from the lake when the day being converted changes. Correct for one writer at a time
 * (local mode runs the pipeline in one process).
 */
public final class ObjectStoreDedupIndex implements DedupIndex {
  /**
   * Days before and after a unit's receipt day within which a repeated messageId is a duplicate.
   */
  public static final int DEFAULT_WINDOW_DAYS = 7;

  private final ObjectStore store;
  private final int windowDays;
  private final Map<String, Window> byTenant = new HashMap<>();

  /** Claims of units not yet committed, by the key of the unit's object, then by owner. */
  private final Map<String, Map<String, Section>> pending = new HashMap<>();

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
    StringBuilder mine = new StringBuilder(messageIds.size() * 40);
    Set<String> duplicates = claim(tenant, day, owner, messageIds, mine, false);
    store.put(
        LakeLayout.dedupKey(tenant, day, owner), mine.toString().getBytes(StandardCharsets.UTF_8));
    return duplicates;
  }

  /**
   * Claims in memory at once; the unit's claims are written, one object for all its owners, by
   * {@link #commitUnit}.
   */
  @Override
  public synchronized Set<String> claimInUnit(
      String tenant, LocalDate day, String unit, String owner, Collection<String> messageIds)
      throws IOException {
    StringBuilder mine = new StringBuilder(messageIds.size() * 24 + 64);
    Set<String> duplicates = claim(tenant, day, owner, messageIds, mine, true);
    Map<String, Section> sections =
        pending.computeIfAbsent(
            LakeLayout.dedupUnitKey(tenant, day, unit), k -> new LinkedHashMap<>());
    // A unit converted again after a failure claims the same owners again: the last claim counts.
    sections.put(owner, new Section(messageIds.size() - duplicates.size(), mine));
    return duplicates;
  }

  @Override
  public synchronized void commitUnit(String tenant, LocalDate day, String unit)
      throws IOException {
    String key = LakeLayout.dedupUnitKey(tenant, day, unit);
    Map<String, Section> sections = pending.get(key);
    if (sections == null) {
      return;
    }
    int length = 0;
    for (Section section : sections.values()) {
      length += section.ids.length() + 32;
    }
    StringBuilder text = new StringBuilder(length);
    for (Map.Entry<String, Section> e : sections.entrySet()) {
      text.append(e.getKey()).append(' ').append(e.getValue().count).append('\n');
      text.append(e.getValue().ids);
    }
    store.put(key, text.toString().getBytes(StandardCharsets.UTF_8));
    pending.remove(key);
  }

  /**
   * Claims {@code messageIds} for {@code owner} in memory; appends the ids it keeps, one a line, to
   * {@code mine} ({@code escaped}: with backslash and line feed escaped, as unit files hold them);
   * returns the duplicates.
   */
  private Set<String> claim(
      String tenant,
      LocalDate day,
      String owner,
      Collection<String> messageIds,
      StringBuilder mine,
      boolean escaped)
      throws IOException {
    IdOwners owners = window(tenant, day);
    Set<String> duplicates = new HashSet<>();
    for (String id : messageIds) {
      String current = owners.putIfAbsent(id, owner);
      if (current != null && !current.equals(owner)) {
        duplicates.add(id);
      } else if (escaped && (id.indexOf('\\') >= 0 || id.indexOf('\n') >= 0)) {
        mine.append(id.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
      } else {
        mine.append(id).append('\n');
      }
    }
    return duplicates;
  }

  /** The ids one owner of a unit kept, one a line, and their number. */
  private record Section(int count, StringBuilder ids) {}

  /**
   * Loads a unit's object: for each owner a line "owner count", then that many ids, one a line,
   * with backslash and line feed escaped.
   */
  private static void loadUnit(String key, String text, IdOwners owners) throws IOException {
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int space = nl < 0 ? -1 : text.lastIndexOf(' ', nl);
      if (space < start) {
        throw new IOException("de-duplication claims " + key + " are damaged at offset " + start);
      }
      String owner = text.substring(start, space);
      int count;
      try {
        count = Integer.parseInt(text, space + 1, nl, 10);
      } catch (NumberFormatException e) {
        throw new IOException("de-duplication claims " + key + " are damaged at offset " + start);
      }
      start = nl + 1;
      for (int i = 0; i < count; i++) {
        nl = text.indexOf('\n', start);
        if (nl < 0) {
          throw new IOException("de-duplication claims " + key + " end early");
        }
        String id = text.substring(start, nl);
        owners.putIfAbsent(id.indexOf('\\') >= 0 ? unescape(id) : id, owner);
        start = nl + 1;
      }
    }
  }

  private static String unescape(String id) {
    StringBuilder b = new StringBuilder(id.length());
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '\\' && i + 1 < id.length()) {
        char e = id.charAt(++i);
        b.append(e == 'n' ? '\n' : e);
      } else {
        b.append(c);
      }
    }
    return b.toString();
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
        byte[] bytes = store.get(key).orElse(new byte[0]);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (key.endsWith(LakeLayout.DEDUP_UNIT_SUFFIX)) {
          loadUnit(key, text, owners);
          continue;
        }
        String owner = key.substring(prefix.length(), key.length() - ".ids".length());
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
