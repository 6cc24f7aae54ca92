package io.meridian.cdp.clean;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Message ids and the owner that claimed each: a {@code Map<String, String>} with only {@link
 * #putIfAbsent}, stored compactly, because local mode keeps every id of a tenant in memory. Ids are
 * kept as UTF-8 in pages of 256 KiB (below G1's humongous size even in small heaps) and found
 * through an open-addressing table of ints (30 to 40 bytes per id in all, against about 100 for a
 * HashMap of Strings, and a handful of objects for the garbage collector instead of three per id).
 * Not thread-safe.
 */
final class IdOwners {
  private static final int PAGE = 1 << 18;

  /** Longer ids (never seen in practice) live in an ordinary map. */
  static final int MAX_ID_BYTES = 4096;

  /** Pages addressable by an int reference. */
  private static final int MAX_PAGES = Integer.MAX_VALUE / PAGE;

  private final List<byte[]> pages = new ArrayList<>();
  private byte[] page;
  private int pageUsed = PAGE;

  // Slot i holds an id when refs[i] != 0: at pages[(refs[i] - 1) / PAGE], offset (refs[i] - 1) %
  // PAGE, a 2-byte length then the bytes; its hash and the index of its owner alongside.
  private int[] refs = new int[1024];
  private int[] hashes = new int[1024];
  private int[] owners = new int[1024];
  private int size;

  private final List<String> ownerNames = new ArrayList<>();
  private final Map<String, Integer> ownerIndex = new HashMap<>();
  private final Map<String, String> overflow = new HashMap<>();
  private byte[] scratch = new byte[256];

  /**
   * As {@link Map#putIfAbsent}: the owner already recorded for {@code id}, or null after recording
   * {@code owner} for it.
   */
  String putIfAbsent(String id, String owner) {
    int length = encode(id);
    if (length > MAX_ID_BYTES) {
      return overflow.putIfAbsent(id, owner);
    }
    int hash = mix(id.hashCode());
    int mask = refs.length - 1;
    int i = hash & mask;
    while (refs[i] != 0) {
      if (hashes[i] == hash && sameBytes(refs[i] - 1, length)) {
        return ownerNames.get(owners[i]);
      }
      i = (i + 1) & mask;
    }
    if (!overflow.isEmpty()) {
      String current = overflow.get(id);
      if (current != null) {
        return current;
      }
    }
    if (pageUsed + 2 + length > PAGE && pages.size() >= MAX_PAGES) {
      overflow.put(id, owner); // the pages are full: about 2 GiB of ids
      return null;
    }
    refs[i] = store(length) + 1;
    hashes[i] = hash;
    owners[i] = ownerIndex.computeIfAbsent(owner, this::addOwner);
    if (++size > refs.length / 4 * 3) {
      grow();
    }
    return null;
  }

  /** The number of ids recorded. */
  int size() {
    return size + overflow.size();
  }

  private int addOwner(String owner) {
    ownerNames.add(owner);
    return ownerNames.size() - 1;
  }

  /** Writes {@code id}'s UTF-8 bytes to {@link #scratch}; returns their number. */
  private int encode(String id) {
    int n = id.length();
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, 2 * scratch.length)];
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (c >= 0x80) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (scratch.length < utf8.length) {
          scratch = new byte[utf8.length];
        }
        System.arraycopy(utf8, 0, scratch, 0, utf8.length);
        return utf8.length;
      }
      scratch[i] = (byte) c;
    }
    return n;
  }

  private boolean sameBytes(int ref, int length) {
    byte[] p = pages.get(ref / PAGE);
    int at = ref % PAGE;
    int stored = (p[at] & 0xff) << 8 | (p[at + 1] & 0xff);
    return stored == length && Arrays.equals(p, at + 2, at + 2 + length, scratch, 0, length);
  }

  /** Appends the scratch bytes to the pages; returns their reference. */
  private int store(int length) {
    if (pageUsed + 2 + length > PAGE) {
      page = new byte[PAGE];
      pages.add(page);
      pageUsed = 0;
    }
    int ref = (pages.size() - 1) * PAGE + pageUsed;
    page[pageUsed] = (byte) (length >>> 8);
    page[pageUsed + 1] = (byte) length;
    System.arraycopy(scratch, 0, page, pageUsed + 2, length);
    pageUsed += 2 + length;
    return ref;
  }

  private void grow() {
    int[] oldRefs = refs;
    int[] oldHashes = hashes;
    int[] oldOwners = owners;
    int capacity = oldRefs.length * 2;
    refs = new int[capacity];
    hashes = new int[capacity];
    owners = new int[capacity];
    int mask = capacity - 1;
    for (int j = 0; j < oldRefs.length; j++) {
      if (oldRefs[j] != 0) {
        int i = oldHashes[j] & mask;
        while (refs[i] != 0) {
          i = (i + 1) & mask;
        }
        refs[i] = oldRefs[j];
        hashes[i] = oldHashes[j];
        owners[i] = oldOwners[j];
      }
    }
  }

  /** Spreads String hashes, whose low bits are poor for sequential ids, over the table. */
  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
