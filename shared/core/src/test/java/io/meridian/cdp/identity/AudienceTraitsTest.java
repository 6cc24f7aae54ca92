package io.meridian.cdp.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meridian.cdp.event.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layout and text of the audience traits; that the text equals DuckDB's is checked in DuckDB by
 * {@code AudienceTraitsOnDuckDbTest} (shared/local).
 */
class AudienceTraitsTest {
  @Test
  void columnsAreProfileIdTheCopiedColumnsThenOneNumberedColumnPerPath() {
    AudienceTraits.Layout layout =
        new AudienceTraits.Layout(
            List.of("last_seen", "order_count"),
            List.of(List.of("plan"), List.of("address", "country"), List.of("plan")));
    assertThat(layout.paths()).hasSize(2); // a path once
    assertThat(layout.schema().columns())
        .extracting(c -> c.name() + ":" + c.type() + (c.required() ? "" : "?"))
        .containsExactly(
            "profile_id:STRING",
            "last_seen:TIMESTAMP",
            "order_count:INT64",
            "t0:STRING?",
            "t1:STRING?");
    assertThat(layout.columnOf(List.of("address", "country"))).isEqualTo("t1");
    assertThat(layout.columnOf(List.of("address"))).isNull();
  }

  @Test
  void coversOnlyWhatItHolds() {
    AudienceTraits.Layout held =
        new AudienceTraits.Layout(List.of("last_seen"), List.of(List.of("plan"), List.of("age")));
    assertThat(held.covers(new AudienceTraits.Layout(List.of(), List.of(List.of("age"))))).isTrue();
    assertThat(held.covers(AudienceTraits.Layout.none())).isTrue();
    assertThat(held.covers(new AudienceTraits.Layout(List.of("order_count"), List.of()))).isFalse();
    assertThat(held.covers(new AudienceTraits.Layout(List.of(), List.of(List.of("email")))))
        .isFalse();
  }

  @Test
  void refusesColumnsThatAreNotComputedColumnsOfProfiles() {
    assertThatThrownBy(() -> new AudienceTraits.Layout(List.of("nope; DROP"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no column 'nope; DROP'");
    assertThatThrownBy(() -> new AudienceTraits.Layout(List.of("profile_id"), List.of()))
        .hasMessageContaining("profile_id is always the first column");
  }

  @Test
  void extractsAsDuckDbDoes() throws Exception {
    var traits =
        Json.MAPPER.readTree(
            "{\"s\":\"a\\\"b\",\"n\":42.50,\"e\":1e3,\"i\":-0,\"b\":true,\"z\":null,"
                + "\"o\":{\"x\":[1,\"\\u0001é\"],\"y\":1.0E300},\"a\":[10,20]}");
    assertThat(AudienceTraits.extract(traits, List.of("s"))).isEqualTo("a\"b");
    assertThat(AudienceTraits.extract(traits, List.of("n"))).isEqualTo("42.5");
    assertThat(AudienceTraits.extract(traits, List.of("e"))).isEqualTo("1000.0");
    assertThat(AudienceTraits.extract(traits, List.of("i"))).isEqualTo("0");
    assertThat(AudienceTraits.extract(traits, List.of("b"))).isEqualTo("true");
    assertThat(AudienceTraits.extract(traits, List.of("z"))).isNull();
    assertThat(AudienceTraits.extract(traits, List.of("missing"))).isNull();
    assertThat(AudienceTraits.extract(traits, List.of("o")))
        .isEqualTo("{\"x\":[1,\"\\u0001é\"],\"y\":1e300}");
    assertThat(AudienceTraits.extract(traits, List.of("a", "1"))).isEqualTo("20");
    assertThat(AudienceTraits.extract(traits, List.of("a", "01"))).isNull();
    assertThat(AudienceTraits.extract(traits, List.of("s", "x"))).isNull();
  }

  @Test
  void doublesInYyjsonsShortestForm() {
    assertThat(AudienceTraits.formatDouble(1e20)).isEqualTo("100000000000000000000.0");
    assertThat(AudienceTraits.formatDouble(1e21)).isEqualTo("1e21");
    assertThat(AudienceTraits.formatDouble(1.5e21)).isEqualTo("1.5e21");
    assertThat(AudienceTraits.formatDouble(1e-6)).isEqualTo("0.000001");
    assertThat(AudienceTraits.formatDouble(1.25e-7)).isEqualTo("1.25e-7");
    assertThat(AudienceTraits.formatDouble(-0.0)).isEqualTo("-0.0");
    assertThat(AudienceTraits.formatDouble(Double.MIN_VALUE)).isEqualTo("5e-324");
    assertThat(AudienceTraits.formatDouble(2e-3)).isEqualTo("0.002");
    // where Java 17's Double.toString is one digit too long (JDK-4511638)
    assertThat(AudienceTraits.formatDouble(2.0e23)).isEqualTo("2e23");
    assertThat(AudienceTraits.formatDouble(5.6843418860808015E-14))
        .isEqualTo("5.684341886080802e-14");
  }

  @Test
  void aPointerCarriesTheLayoutOnlyWhenThereIsOne() throws Exception {
    ObjectMapper json = new ObjectMapper();
    CuratedStore.Pointer plain =
        new CuratedStore.Pointer(1, 0, 0, "", List.of(), Map.of("profiles", "k"), "");
    assertThat(json.writeValueAsString(plain)).doesNotContain("audienceTraits");
    assertThat(json.readValue(json.writeValueAsString(plain), CuratedStore.Pointer.class))
        .isEqualTo(plain);
    CuratedStore.Pointer with =
        new CuratedStore.Pointer(
            1,
            0,
            0,
            "",
            List.of(),
            Map.of("profiles", "k", AudienceTraits.TABLE, "a"),
            "",
            new AudienceTraits.Layout(List.of("last_seen"), List.of(List.of("a", "b"))));
    assertThat(json.readValue(json.writeValueAsString(with), CuratedStore.Pointer.class))
        .isEqualTo(with);
  }
}
