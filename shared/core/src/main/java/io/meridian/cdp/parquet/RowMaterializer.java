package io.meridian.cdp.parquet;

import java.time.Instant;
import java.util.List;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;

/**
 * Assembles each Parquet record of a flat schema into a new {@code Object[]} in column order,
 * converting values to the Java types of {@link ColumnType}; absent values stay {@code null}.
 */
final class RowMaterializer extends RecordMaterializer<Object[]> {

  private final RowConverter root;

  RowMaterializer(List<Column> columns) {
    this.root = new RowConverter(columns);
  }

  @Override
  public Object[] getCurrentRecord() {
    return root.row;
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  private static final class RowConverter extends GroupConverter {
    private final Converter[] converters;
    private Object[] row;

    RowConverter(List<Column> columns) {
      converters = new Converter[columns.size()];
      for (int i = 0; i < converters.length; i++) {
        converters[i] = converter(columns.get(i).type(), i);
      }
    }

    private Converter converter(ColumnType type, int index) {
      return switch (type) {
        case STRING, JSON -> new StringConverter(index);
        case TIMESTAMP ->
            new PrimitiveConverter() {
              @Override
              public void addLong(long micros) {
                row[index] =
                    Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L);
              }
            };
        case INT64 ->
            new PrimitiveConverter() {
              @Override
              public void addLong(long value) {
                row[index] = value;
              }
            };
        case INT32 ->
            new PrimitiveConverter() {
              @Override
              public void addInt(int value) {
                row[index] = value;
              }
            };
        case DOUBLE ->
            new PrimitiveConverter() {
              @Override
              public void addDouble(double value) {
                row[index] = value;
              }
            };
        case BOOLEAN ->
            new PrimitiveConverter() {
              @Override
              public void addBoolean(boolean value) {
                row[index] = value;
              }
            };
      };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return converters[fieldIndex];
    }

    @Override
    public void start() {
      row = new Object[converters.length];
    }

    @Override
    public void end() {}

    /** Decodes each dictionary entry to a String once per column chunk. */
    private final class StringConverter extends PrimitiveConverter {
      private final int index;
      private String[] dictionary;

      StringConverter(int index) {
        this.index = index;
      }

      @Override
      public boolean hasDictionarySupport() {
        return true;
      }

      @Override
      public void setDictionary(Dictionary values) {
        dictionary = new String[values.getMaxId() + 1];
        for (int id = 0; id < dictionary.length; id++) {
          dictionary[id] = values.decodeToBinary(id).toStringUsingUTF8();
        }
      }

      @Override
      public void addValueFromDictionary(int dictionaryId) {
        row[index] = dictionary[dictionaryId];
      }

      @Override
      public void addBinary(Binary value) {
        row[index] = value.toStringUsingUTF8();
      }
    }
  }
}
