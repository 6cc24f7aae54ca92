package io.meridian.cdp.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.identity.IdentifierExtractor.Identifier;
import io.meridian.cdp.parquet.ParquetFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The columnar identity_graph file holds exactly the rows of {@link IdentityGraph#nodes()}. */
class IdentityGraphFileTest {
  @TempDir Path dir;

  @Test
  void theFileHoldsEveryNodeWithItsCurrentProfileInOrder() throws Exception {
    IdentityRules rules = IdentityRules.defaults();
    IdentityGraph graph = new IdentityGraph("acme", rules);
    Random r = new Random(3);
    for (int e = 0; e < 20_000; e++) {
      List<Identifier> ids = new ArrayList<>();
      ids.add(new Identifier(rules.indexOf("user_id"), "u" + r.nextInt(3_000)));
      ids.add(new Identifier(rules.indexOf("anonymous_id"), "a-é-" + r.nextInt(9_000)));
      graph.link(ids, "m" + e, "track", e * 7L - 1_000, e);
    }
    Path file = dir.resolve("identity_graph.parquet");
    IdentityGraphFile.write(graph, file, 2);
    List<Object[]> expected = new ArrayList<>();
    for (IdentityGraph.Node n : graph.nodes()) {
      expected.add(
          new Object[] {
            n.identifierType(),
            n.identifier(),
            n.profileId(),
            ResolveIdentities.instant(n.firstSeenMicros()),
            ResolveIdentities.instant(n.lastSeenMicros()),
            n.shared()
          });
    }
    assertThat(expected).hasSizeGreaterThan(10_000);
    assertThat(expected.stream().anyMatch(row -> (Boolean) row[5])).isTrue();
    assertThat(expected.get(0)[3]).isInstanceOf(Instant.class);
    assertThat(ParquetFiles.readAll(CuratedTables.IDENTITY_GRAPH, file))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(expected);
  }
}
