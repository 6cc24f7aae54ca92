package io.meridian.cdp.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.meridian.cdp.catalog.CatalogColumn;
import io.meridian.cdp.catalog.LakeTables;
import io.meridian.cdp.catalog.TableDocs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lake tables as the CDK app declares them, with the comments of the repository's
 * docs/TABLES.md, and the Lake Formation column lists over them. The tables themselves are tested
 * in the core ({@code io.meridian.cdp.catalog.LakeTablesTest}).
 */
class LakeTablesTest {
  private static final TableDocs DOCS =
      TableDocs.read(SynthesizedApp.REPO_ROOT.resolve("docs/TABLES.md"));

  @Test
  void theRepositorysTableContractGivesTheSameTablesAsTheCopyInTheCoreJar() {
    assertThat(LakeTables.all(DOCS)).isEqualTo(LakeTables.all());
  }

  @Test
  void piiColumnsNameColumnsThatExist() {
    List<LakeTables.LakeTable> tables = LakeTables.all(DOCS);
    for (Map.Entry<String, List<String>> e : PiiColumns.BY_TABLE.entrySet()) {
      LakeTables.LakeTable t =
          tables.stream()
              .filter(x -> x.qualifiedName().equals(e.getKey()))
              .findFirst()
              .orElseThrow();
      assertThat(t.columns())
          .extracting(CatalogColumn::name)
          .as(e.getKey())
          .containsAll(e.getValue());
    }
  }

  @Test
  void everyColumnWithDeclaredPersonalDataIsWithheldFromAnalysts() {
    assertThat(PiiColumns.of(LakeTables.CLEAN, "events"))
        .containsAll(io.meridian.cdp.privacy.PiiFields.eventColumns().keySet());
  }
}
