package io.meridian.cdp.parquet;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Turns already validated {@code Object[]} rows into Parquet record events. Only the {@link
 * ParquetConfiguration} entry points are used; the Hadoop ones exist because parquet-java declares
 * them abstract and fail if ever called.
 */
final class RowWriteSupport extends WriteSupport<Object[]> {

  private static final String MODEL_NAME = "meridian-cdp";

  private final MessageType messageType;
  private final String[] names;
  private final ColumnType[] types;
  private RecordConsumer consumer;

  RowWriteSupport(TableSchema schema) {
    this.messageType = schema.messageType();
    List<Column> columns = schema.columns();
    this.names = new String[columns.size()];
    this.types = new ColumnType[columns.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = columns.get(i).name();
      types[i] = columns.get(i).type();
    }
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(messageType, Map.of());
  }

  /** Never called: {@link #init(ParquetConfiguration)} is the entry point without Hadoop. */
  @Override
  @SuppressWarnings("deprecation")
  public WriteContext init(Configuration configuration) {
    throw new UnsupportedOperationException(
        "RowWriteSupport works with a ParquetConfiguration, not a Hadoop Configuration");
  }

  @Override
  public String getName() {
    return MODEL_NAME;
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(Object[] row) {
    RecordConsumer out = consumer;
    out.startMessage();
    for (int i = 0; i < names.length; i++) {
      Object value = row[i];
      if (value == null) {
        continue;
      }
      out.startField(names[i], i);
      switch (types[i]) {
        case STRING, JSON ->
            // Array-backed, unlike Binary.fromString: cheaper to hash, compare and copy.
            out.addBinary(
                Binary.fromConstantByteArray(
                    value instanceof byte[] utf8
                        ? utf8
                        : ((String) value).getBytes(StandardCharsets.UTF_8)));
        case TIMESTAMP -> out.addLong(epochMicros((Instant) value));
        case INT64 -> out.addLong((Long) value);
        case INT32 -> out.addInteger((Integer) value);
        case DOUBLE -> out.addDouble((Double) value);
        case BOOLEAN -> out.addBoolean((Boolean) value);
      }
      out.endField(names[i], i);
    }
    out.endMessage();
  }

  /** Microseconds since the epoch, truncating sub-microsecond digits toward the past. */
  static long epochMicros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }

  /** Builds a {@link ParquetWriter} around a given {@link RowWriteSupport}. */
  static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final RowWriteSupport writeSupport;

    Builder(OutputFile file, RowWriteSupport writeSupport) {
      super(file);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
      return writeSupport;
    }

    /** Never called: the builder is always given a ParquetConfiguration. */
    @Override
    @SuppressWarnings("deprecation")
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      throw new UnsupportedOperationException(
          "RowWriteSupport.Builder works with a ParquetConfiguration, not a Hadoop Configuration");
    }
  }
}
