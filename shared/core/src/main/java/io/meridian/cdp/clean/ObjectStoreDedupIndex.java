package io.meridian.cdp.clean;

import io.meridian.cdp.lake.LakeLayout;
import io.meridian.cdp.lake.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link DedupIndex} kept in the lake itself: one object per owner listing the ids it claimed,
 * loaded into memory per tenant on first use. Correct for one writer at a time (local mode runs the
 * pipeline in one process); memory grows with the tenant's distinct messageIds (30 to 40 bytes
 * each, see {@link IdOwners}).
 */
public final class ObjectStoreDedupIndex implements DedupIndex {
  private final ObjectStore store;
  private final Map<String, IdOwners> byTenant = new HashMap<>();

  public ObjectStoreDedupIndex(ObjectStore store) {
    this.store = store;
  }

  @Override
  public synchronized Set<String> claim(String tenant, String owner, Collection<String> messageIds)
      throws IOException {
    IdOwners owners = load(tenant);
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
    store.put(LakeLayout.dedupKey(tenant, owner), mine.toString().getBytes(StandardCharsets.UTF_8));
    return duplicates;
  }

  private IdOwners load(String tenant) throws IOException {
    IdOwners owners = byTenant.get(tenant);
    if (owners != null) {
      return owners;
    }
    owners = new IdOwners();
    String prefix = LakeLayout.DEDUP_STATE + "tenant=" + tenant + "/";
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
    byTenant.put(tenant, owners);
    return owners;
  }
}
