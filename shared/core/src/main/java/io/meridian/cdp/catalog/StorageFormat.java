package io.meridian.cdp.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a catalog table's files are read: Hive input and output formats and SerDe, as Athena and Glue
 * name them.
 *
 * @param serdeParameters the SerDe's parameters (field name mappings of JSON tables)
 * @param compressed whether the files are compressed
 */
public record StorageFormat(
    String inputFormat,
    String outputFormat,
    String serializationLibrary,
    Map<String, String> serdeParameters,
    boolean compressed) {

  /** Parquet files (ZSTD-compressed, as the core's writers write them). */
  public static final StorageFormat PARQUET =
      new StorageFormat(
          "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          Map.of("serialization.format", "1"),
          true);

  public StorageFormat {
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(outputFormat, "outputFormat");
    Objects.requireNonNull(serializationLibrary, "serializationLibrary");
    serdeParameters = ordered(serdeParameters);
  }

  /**
   * gzip JSON Lines read by the OpenX JSON SerDe, which skips malformed lines.
   *
   * @param mapping column name → JSON field name, for columns named differently ({@code
   *     mapping.<column>} SerDe parameters)
   */
  public static StorageFormat jsonLines(Map<String, String> mapping) {
    Map<String, String> parameters = new LinkedHashMap<>();
    mapping.forEach((column, field) -> parameters.put("mapping." + column, field));
    parameters.put("ignore.malformed.json", "true");
    return new StorageFormat(
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.openx.data.jsonserde.JsonSerDe",
        parameters,
        true);
  }

  /** An unmodifiable copy that keeps the order of {@code map}. */
  static Map<String, String> ordered(Map<String, String> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
  }
}
