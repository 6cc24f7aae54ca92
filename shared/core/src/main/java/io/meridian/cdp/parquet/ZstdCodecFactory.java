package io.meridian.cdp.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A Hadoop-free {@link CompressionCodecFactory} for ZSTD (over zstd-jni) and UNCOMPRESSED pages.
 * parquet-java's own {@code CodecFactory} needs Hadoop's codec classes even for ZSTD, so it cannot
 * be used here. Other codecs yield a compressor or decompressor whose every call fails with an
 * {@link IOException} naming the codec.
 *
 * <p>Not thread-safe: one factory serves one writer or one reader, which use it from one thread.
 * The compression and decompression contexts and the compressor's buffers are reused for every page
 * and freed by {@link #release()}.
 */
final class ZstdCodecFactory implements CompressionCodecFactory {

  private final int level;
  private ZstdPageCompressor compressor;
  private ZstdPageDecompressor decompressor;

  ZstdCodecFactory(int level) {
    this.level = level;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    return switch (codecName) {
      case ZSTD -> {
        if (compressor == null) {
          compressor = new ZstdPageCompressor(level);
        }
        yield compressor;
      }
      case UNCOMPRESSED -> Uncompressed.INSTANCE;
      default -> new Unsupported(codecName);
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
    return switch (codecName) {
      case ZSTD -> {
        if (decompressor == null) {
          decompressor = new ZstdPageDecompressor();
        }
        yield decompressor;
      }
      case UNCOMPRESSED -> Uncompressed.INSTANCE;
      default -> new Unsupported(codecName);
    };
  }

  @Override
  public void release() {
    if (compressor != null) {
      compressor.ctx.close();
      compressor = null;
    }
    if (decompressor != null) {
      decompressor.ctx.close();
      decompressor = null;
    }
  }

  /**
   * Compresses each page into one reused output array. That is safe because parquet-java copies the
   * returned bytes (into the column chunk buffer, or a dictionary page copy) before it compresses
   * the next page, the same contract its own heap compressor relies on.
   */
  static final class ZstdPageCompressor implements BytesInputCompressor {
    private final ZstdCompressCtx ctx;
    private final GrowableBytes input = new GrowableBytes();
    private byte[] output = new byte[0];

    ZstdPageCompressor(int level) {
      this.ctx = new ZstdCompressCtx().setLevel(level).setChecksum(false);
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      input.reset();
      bytes.writeAllTo(input);
      int size = input.size();
      int bound = Math.toIntExact(Zstd.compressBound(size));
      if (output.length < bound) {
        output = new byte[bound];
      }
      try {
        int length = ctx.compressByteArray(output, 0, output.length, input.array(), 0, size);
        return BytesInput.from(output, 0, length);
      } catch (ZstdException e) {
        throw new IOException("ZSTD compression of a " + size + "-byte page failed", e);
      }
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
      // The factory owns the context and frees it in release().
    }
  }

  static final class ZstdPageDecompressor implements BytesInputDecompressor {
    private static final HeapByteBufferAllocator HEAP = new HeapByteBufferAllocator();
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();

    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      ByteBuffer source = bytes.toByteBuffer(HEAP, buffer -> {});
      byte[] target = new byte[decompressedSize];
      int length;
      try {
        if (source.hasArray()) {
          length =
              ctx.decompressByteArray(
                  target,
                  0,
                  decompressedSize,
                  source.array(),
                  source.arrayOffset() + source.position(),
                  source.remaining());
        } else if (source.isDirect()) {
          length =
              ctx.decompressDirectByteBufferToByteArray(
                  target, 0, decompressedSize, source, source.position(), source.remaining());
        } else {
          byte[] copy = new byte[source.remaining()];
          source.duplicate().get(copy);
          length = ctx.decompressByteArray(target, 0, decompressedSize, copy, 0, copy.length);
        }
      } catch (ZstdException e) {
        throw new IOException(
            "ZSTD decompression of a page to " + decompressedSize + " bytes failed", e);
      }
      checkLength(length, decompressedSize);
      return BytesInput.from(target);
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      if (input.remaining() < compressedSize) {
        throw new IOException(
            "ZSTD page needs "
                + compressedSize
                + " compressed bytes but only "
                + input.remaining()
                + " are available");
      }
      if (output.remaining() < decompressedSize) {
        throw new IOException(
            "ZSTD page decompresses to "
                + decompressedSize
                + " bytes but the output buffer has room for "
                + output.remaining());
      }
      if (input.isDirect() && output.isDirect()) {
        int length;
        try {
          length =
              ctx.decompressDirectByteBuffer(
                  output,
                  output.position(),
                  decompressedSize,
                  input,
                  input.position(),
                  compressedSize);
        } catch (ZstdException e) {
          throw new IOException(
              "ZSTD decompression of a page to " + decompressedSize + " bytes failed", e);
        }
        checkLength(length, decompressedSize);
        output.position(output.position() + length);
      } else {
        ByteBuffer source = input.duplicate();
        source.limit(source.position() + compressedSize);
        BytesInput decompressed = decompress(BytesInput.from(source), decompressedSize);
        output.put(decompressed.toByteBuffer(HEAP, buffer -> {}));
      }
      input.position(input.position() + compressedSize);
    }

    private static void checkLength(int actual, int expected) throws IOException {
      if (actual != expected) {
        throw new IOException(
            "ZSTD page decompressed to " + actual + " bytes, but its header says " + expected);
      }
    }

    @Override
    public void release() {
      // The factory owns the context and frees it in release().
    }
  }

  /** Pages stored as they are. */
  enum Uncompressed implements BytesInputCompressor, BytesInputDecompressor {
    INSTANCE;

    @Override
    public BytesInput compress(BytesInput bytes) {
      return bytes;
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.UNCOMPRESSED;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      if (bytes.size() != decompressedSize) {
        throw new IOException(
            "uncompressed page has "
                + bytes.size()
                + " bytes, but its header says "
                + decompressedSize);
      }
      return bytes;
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      if (compressedSize != decompressedSize || input.remaining() < compressedSize) {
        throw new IOException(
            "uncompressed page of "
                + decompressedSize
                + " bytes has "
                + compressedSize
                + " stored bytes ("
                + input.remaining()
                + " available)");
      }
      ByteBuffer source = input.duplicate();
      source.limit(source.position() + compressedSize);
      output.put(source);
      input.position(input.position() + compressedSize);
    }

    @Override
    public void release() {}
  }

  /** Stands in for a codec this factory lacks; fails on use, not on lookup. */
  record Unsupported(CompressionCodecName codecName)
      implements BytesInputCompressor, BytesInputDecompressor {

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      throw unsupported();
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codecName;
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
      throw unsupported();
    }

    @Override
    public void decompress(
        ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
        throws IOException {
      throw unsupported();
    }

    @Override
    public void release() {}

    private IOException unsupported() {
      return new IOException(
          "codec "
              + codecName
              + " not supported: this reader and writer handle ZSTD and UNCOMPRESSED");
    }
  }

  /** An unsynchronized byte sink whose backing array is reused from page to page. */
  static final class GrowableBytes extends OutputStream {
    private byte[] buffer = new byte[64 * 1024];
    private int size;

    void reset() {
      size = 0;
    }

    int size() {
      return size;
    }

    byte[] array() {
      return buffer;
    }

    @Override
    public void write(int b) {
      ensureCapacity(size + 1);
      buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      ensureCapacity(size + length);
      System.arraycopy(bytes, offset, buffer, size, length);
      size += length;
    }

    private void ensureCapacity(int needed) {
      if (needed < 0) {
        throw new IllegalStateException("page larger than 2 GiB");
      }
      if (needed > buffer.length) {
        buffer =
            Arrays.copyOf(
                buffer,
                Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, 2L * buffer.length)));
      }
    }
  }
}
