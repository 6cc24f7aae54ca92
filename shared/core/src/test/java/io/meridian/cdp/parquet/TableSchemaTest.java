package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.cdp.clean.CleanTables;
import org.junit.jupiter.api.Test;

class TableSchemaTest {
  @Test
  void aProjectionKeepsTheNamedColumnsInTheTablesOrderWithTheirTypes() {
    TableSchema p = CleanTables.EVENTS.project("traits", "message_id", "timestamp");

    assertThat(p.name()).isEqualTo("events");
    assertThat(p.columns())
        .extracting(Column::name)
        .containsExactly("message_id", "timestamp", "traits");
    assertThat(p.columns()).allSatisfy(c -> assertThat(CleanTables.EVENTS.columns()).contains(c));
  }

  @Test
  void aProjectionOfAColumnTheTableLacksNamesIt() {
    assertThatThrownBy(() -> CleanTables.EVENTS.project("message_id", "msg_id"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table 'events' has no columns [msg_id]");
  }
}
