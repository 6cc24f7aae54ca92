package io.meridian.cdp.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlPiiCheckTest {
  @Test
  void namesThePersonalDataColumnsAStatementReads() {
    assertThat(SqlPiiCheck.piiColumns("SELECT user_id, TRAITS FROM curated.profiles"))
        .containsExactly("traits", "user_id");
    assertThat(SqlPiiCheck.piiColumns("select \"identifier\" from curated.identity_graph"))
        .containsExactly("identifier");
  }

  @Test
  void countsSelectStarAsReadingPersonalData() {
    assertThat(SqlPiiCheck.piiColumns("SELECT * FROM clean.events")).containsExactly("*");
    assertThat(SqlPiiCheck.piiColumns("SELECT e.* FROM clean.events e")).containsExactly("*");
  }

  @Test
  void ignoresCountStarLiteralsAndComments() {
    assertThat(
            SqlPiiCheck.piiColumns(
                "SELECT count(*), 'user_id' AS label -- traits\n FROM clean.events /* context */"))
        .isEmpty();
    assertThat(SqlPiiCheck.piiColumns("SELECT event, count( * ) FROM clean.events GROUP BY 1"))
        .isEmpty();
  }
}
