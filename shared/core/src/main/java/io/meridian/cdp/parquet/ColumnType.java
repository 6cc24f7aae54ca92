package io.meridian.cdp.parquet;

import java.time.Instant;

/** The value types a {@link Column} can hold, each with the Java type its values must have. */
public enum ColumnType {
  /** UTF-8 text: Parquet {@code BINARY} annotated as {@code STRING}; values are {@link String}. */
  STRING(String.class),
  /** JSON text: Parquet {@code BINARY} annotated as {@code JSON}; values are {@link String}. */
  JSON(String.class),
  /**
   * An instant: Parquet {@code INT64} annotated as {@code TIMESTAMP(isAdjustedToUTC=true, MICROS)};
   * values are {@link Instant}, truncated to microseconds.
   */
  TIMESTAMP(Instant.class),
  /** Parquet {@code INT64}; values are {@link Long}. */
  INT64(Long.class),
  /** Parquet {@code INT32}; values are {@link Integer}. */
  INT32(Integer.class),
  /** Parquet {@code DOUBLE}; values are {@link Double}. */
  DOUBLE(Double.class),
  /** Parquet {@code BOOLEAN}; values are {@link Boolean}. */
  BOOLEAN(Boolean.class);

  private final Class<?> javaType;

  ColumnType(Class<?> javaType) {
    this.javaType = javaType;
  }

  /** The Java type that values of this column type must have. */
  Class<?> javaType() {
    return javaType;
  }
}
