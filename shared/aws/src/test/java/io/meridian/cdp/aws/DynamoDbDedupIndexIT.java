package io.meridian.cdp.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.clean.DedupIndex;
import io.meridian.cdp.clean.DedupIndexContract;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB index against moto server: the same contract as the lake index, and what the lake
 * index cannot do — several instances (function invocations) claiming the same ids at once.
 */
class DynamoDbDedupIndexIT extends DedupIndexContract {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  private final DynamoDbClient client = MOTO.dynamoDb();
  private final String table = "cdp-dedup-" + UUID.randomUUID();
  private final List<DynamoDbDedupIndex> opened = new ArrayList<>();
  private boolean created;

  @Override
  protected DedupIndex index() {
    if (!created) {
      MOTO.createPkSkTable(table);
      created = true;
    }
    DynamoDbDedupIndex index = new DynamoDbDedupIndex(client, table, 7);
    opened.add(index);
    return index;
  }

  @AfterEach
  void close() {
    opened.forEach(DynamoDbDedupIndex::close);
  }

  @Test
  void concurrentInstancesKeepEachIdExactlyOnce() throws Exception {
    List<String> ids = IntStream.range(0, 200).mapToObj(i -> "m" + i).toList();
    List<DedupIndex> instances = List.of(index(), index(), index(), index());
    ExecutorService pool = Executors.newFixedThreadPool(instances.size());
    try {
      List<Future<Set<String>>> duplicates = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        DedupIndex index = instances.get(i);
        String owner = "unit-" + i;
        Callable<Set<String>> claim = () -> index.claim("acme", DAY, owner, ids);
        duplicates.add(pool.submit(claim));
      }
      // Every id is kept (not a duplicate) by exactly one of the four units.
      List<String> kept = new ArrayList<>();
      for (Future<Set<String>> d : duplicates) {
        Set<String> mine = new HashSet<>(ids);
        mine.removeAll(d.get());
        kept.addAll(mine);
      }
      assertThat(kept).hasSameSizeAs(ids).containsExactlyInAnyOrderElementsOf(ids);
    } finally {
      pool.shutdownNow();
    }
  }
}
