package io.meridian.cdp.aws;

import io.meridian.cdp.clean.DedupIndex;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The de-duplication index on AWS: one DynamoDB item per (tenant, messageId), claimed with a
 * conditional write, so any number of raw-to-clean instances can convert a tenant's objects at the
 * same time and exactly one of them keeps each id (ADR 0026). The lake-backed index needs one
 * writer per tenant; this one does not.
 *
 * <p>An item ({@code pk = tenant#messageId}, {@code sk = "claim"}) records the owner (the unit of
 * work: raw object part and chunk) and the receipt day. A claim succeeds when there is no item,
 * when the item is the same owner's (a retry gets its own ids back) or when the item's day is more
 * than the window away (the same semantics as the lake index). Otherwise DynamoDB refuses the write
 * and the id is a duplicate. Items carry {@code expires_at} (epoch seconds, the day plus the window
 * plus one day) for the table's TTL, so the table holds the window's ids, not the history.
 *
 * <p>Claims of one unit run in parallel (one write each, on a small thread pool): a unit of
 * thousands of ids is claimed in a fraction of a second. Cost: one write request unit per event
 * (docs/COST.md).
 */
public final class DynamoDbDedupIndex implements DedupIndex, AutoCloseable {
  /**
   * Days before and after a unit's receipt day within which a repeated messageId is a duplicate.
   */
  public static final int DEFAULT_WINDOW_DAYS = 7;

  private static final int PARALLEL_WRITES = 32;
  private static final String CONDITION =
      "attribute_not_exists(pk) OR #owner = :owner OR #day < :first OR #day > :last";

  private final DynamoDbClient client;
  private final String table;
  private final int windowDays;
  private final ExecutorService writers;

  public DynamoDbDedupIndex(DynamoDbClient client, String table) {
    this(client, table, DEFAULT_WINDOW_DAYS);
  }

  public DynamoDbDedupIndex(DynamoDbClient client, String table, int windowDays) {
    if (windowDays < 0) {
      throw new IllegalArgumentException("windowDays must not be negative: " + windowDays);
    }
    this.client = client;
    this.table = table;
    this.windowDays = windowDays;
    this.writers =
        Executors.newFixedThreadPool(
            PARALLEL_WRITES,
            r -> {
              Thread t = new Thread(r, "dedup-claims");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Set<String> claim(
      String tenant, LocalDate day, String owner, Collection<String> messageIds)
      throws IOException {
    Set<String> duplicates = ConcurrentHashMap.newKeySet();
    List<Future<?>> writes = new ArrayList<>();
    Map<String, AttributeValue> common =
        Map.of(
            ":owner", s(owner),
            ":first", s(day.minusDays(windowDays).toString()),
            ":last", s(day.plusDays(windowDays).toString()));
    long expiresAt = day.plusDays(windowDays + 1L).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    for (String id : new LinkedHashSet<>(messageIds)) {
      writes.add(
          writers.submit(
              () -> {
                try {
                  client.putItem(
                      b ->
                          b.tableName(table)
                              .item(
                                  Map.of(
                                      "pk", s(tenant + "#" + id),
                                      "sk", s("claim"),
                                      "owner", s(owner),
                                      "day", s(day.toString()),
                                      "expires_at", AttributeValue.fromN(Long.toString(expiresAt))))
                              .conditionExpression(CONDITION)
                              .expressionAttributeNames(Map.of("#owner", "owner", "#day", "day"))
                              .expressionAttributeValues(common));
                } catch (ConditionalCheckFailedException e) {
                  duplicates.add(id);
                }
              }));
    }
    for (Future<?> w : writes) {
      try {
        w.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while claiming message ids in " + table, e);
      } catch (ExecutionException e) {
        throw new IOException(
            "claiming message ids in DynamoDB table " + table + " failed: " + e.getCause(),
            e.getCause());
      }
    }
    return duplicates;
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  @Override
  public void close() {
    writers.shutdownNow();
  }
}
