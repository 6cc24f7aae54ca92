package io.meridian.cdp.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class ZstdCodecFactoryTest {

  private static final byte[] PAGE =
      "page of repetitive text, page of repetitive text, page of repetitive text 日本"
          .repeat(500)
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void compressesAndDecompressesPagesWithReusedBuffers() throws IOException {
    ZstdCodecFactory codecs = new ZstdCodecFactory(3);
    try {
      BytesInputCompressor compressor = codecs.getCompressor(CompressionCodecName.ZSTD);
      BytesInputDecompressor decompressor = codecs.getDecompressor(CompressionCodecName.ZSTD);
      assertThat(compressor.getCodecName()).isEqualTo(CompressionCodecName.ZSTD);

      byte[] first =
          bytes(
              compressor.compress(BytesInput.concat(BytesInput.from(PAGE), BytesInput.from(PAGE))));
      assertThat(first.length).isLessThan(PAGE.length / 10);
      byte[] second = bytes(compressor.compress(BytesInput.from(new byte[] {1, 2, 3})));

      assertThat(bytes(decompressor.decompress(BytesInput.from(first), 2 * PAGE.length)))
          .isEqualTo(concat(PAGE, PAGE));
      assertThat(bytes(decompressor.decompress(BytesInput.from(second), 3)))
          .containsExactly(1, 2, 3);

      for (boolean direct : new boolean[] {true, false}) {
        ByteBuffer input = allocate(direct, first.length + 4);
        input.put(new byte[] {9, 9}).put(first).put(new byte[] {9, 9}).flip().position(2);
        ByteBuffer output = allocate(direct, 2 * PAGE.length);
        decompressor.decompress(input, first.length, output, 2 * PAGE.length);
        assertThat(input.position()).isEqualTo(2 + first.length);
        assertThat(output.position()).isEqualTo(2 * PAGE.length);
        byte[] result = new byte[2 * PAGE.length];
        output.flip().get(result);
        assertThat(result).isEqualTo(concat(PAGE, PAGE));
      }

      assertThatThrownBy(() -> decompressor.decompress(BytesInput.from(first), 5))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("ZSTD");
    } finally {
      codecs.release();
    }
  }

  @Test
  void passesUncompressedPagesThroughAndRejectsOtherCodecsOnUse() throws IOException {
    ZstdCodecFactory codecs = new ZstdCodecFactory(3);
    BytesInput page = BytesInput.from(PAGE);
    assertThat(codecs.getCompressor(CompressionCodecName.UNCOMPRESSED).compress(page))
        .isSameAs(page);
    assertThat(
            codecs.getDecompressor(CompressionCodecName.UNCOMPRESSED).decompress(page, PAGE.length))
        .isSameAs(page);

    BytesInputDecompressor snappy = codecs.getDecompressor(CompressionCodecName.SNAPPY);
    assertThatThrownBy(() -> snappy.decompress(page, PAGE.length))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("codec SNAPPY not supported");
    BytesInputCompressor gzip = codecs.getCompressor(CompressionCodecName.GZIP);
    assertThatThrownBy(() -> gzip.compress(page))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("codec GZIP not supported");
    codecs.release();
  }

  private static byte[] bytes(BytesInput input) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    input.writeAllTo(out);
    return out.toByteArray();
  }

  private static ByteBuffer allocate(boolean direct, int size) {
    return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = new byte[a.length + b.length];
    System.arraycopy(a, 0, result, 0, a.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
