package io.meridian.cdp.local;

import io.meridian.cdp.ingest.Envelope;
import io.meridian.cdp.ingest.EnvelopeCodec;
import io.meridian.cdp.ingest.EventSink;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead spool of local mode, standing in for Kinesis: {@link #append} returns only after
 * the envelopes are written and fsync'd, so an acknowledged event survives {@code kill -9}.
 * Concurrent appends are group-committed: one fsync covers every append waiting at that moment.
 *
 * <p>On disk: numbered segment files of frames {@code [length:int][crc32c:int][envelope line]}. A
 * process owns the spool through a file lock. {@link #drain} first seals the active segment, then
 * hands every sealed segment's envelopes to a consumer in fixed-size chunks, and deletes a segment
 * only after all its chunks were consumed. Chunks are identified by segment number and first frame,
 * so a drain interrupted by a crash is repeated with identical chunks and ids, and the raw zone,
 * whose object names derive from those ids, is rewritten rather than duplicated. A torn frame at
 * the end of a segment (a write cut by a crash, never acknowledged) is skipped and logged.
 */
public final class Spool implements EventSink, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".wal";
  private static final int MAX_FRAME = 64 * 1024 * 1024;

  /** Envelopes handed to the drain consumer at once. */
  public static final int DRAIN_CHUNK = 10_000;

  /** Default size after which a segment is sealed. */
  static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

  private final long segmentBytes;
  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Object segmentLock = new Object();
  private FileChannel active;
  private long activeNumber;
  private volatile boolean closed;

  /** Receives one chunk of a sealed segment. */
  @FunctionalInterface
  public interface ChunkConsumer {
    void accept(List<Envelope> envelopes, String chunkId) throws IOException;
  }

  private record Pending(ByteBuffer frames, CompletableFuture<Void> done) {}

  private static final Pending STOP =
      new Pending(ByteBuffer.allocate(0), new CompletableFuture<>());

  /**
   * Opens (or creates) the spool in {@code dir} and takes its lock.
   *
   * @throws SpoolLockedException when another process holds the spool
   */
  public Spool(Path dir) throws IOException {
    this(dir, DEFAULT_SEGMENT_BYTES);
  }

  /**
   * @param segmentBytes size after which the active segment is sealed and a new one started; bounds
   *     the memory a drain needs per segment
   */
  Spool(Path dir, long segmentBytes) throws IOException {
    this.segmentBytes = segmentBytes;
    this.dir = Files.createDirectories(dir);
    this.lockChannel =
        FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new SpoolLockedException(dir);
    }
    this.lock = l;
    try {
      openNewSegment();
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockChannel.close();
      throw e;
    }
    this.writer = new Thread(this::writeLoop, "spool-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Another process owns the spool. */
  public static final class SpoolLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    SpoolLockedException(Path dir) {
      super(
          "the spool in "
              + dir
              + " is in use by another cdp process (is `cdp serve` running on this data directory?)");
    }
  }

  @Override
  public void append(List<Envelope> envelopes) throws IOException {
    if (envelopes.isEmpty()) {
      return;
    }
    if (closed) {
      throw new IOException("spool is closed");
    }
    List<byte[]> lines = new ArrayList<>(envelopes.size());
    int size = 0;
    for (Envelope e : envelopes) {
      byte[] b = EnvelopeCodec.encode(e).getBytes(StandardCharsets.UTF_8);
      lines.add(b);
      size += 8 + b.length;
    }
    ByteBuffer frames = ByteBuffer.allocate(size);
    CRC32C crc = new CRC32C();
    for (byte[] b : lines) {
      crc.reset();
      crc.update(b);
      frames.putInt(b.length).putInt((int) crc.getValue()).put(b);
    }
    frames.flip();
    Pending p = new Pending(frames, new CompletableFuture<>());
    queue.add(p);
    try {
      p.done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the spool");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(group);
      stopping = group.remove(STOP);
      IOException failure = null;
      synchronized (segmentLock) {
        try {
          for (Pending p : group) {
            while (p.frames.hasRemaining()) {
              active.write(p.frames);
            }
          }
          if (!group.isEmpty()) {
            active.force(false);
            if (active.size() >= segmentBytes) {
              openNewSegment();
            }
          }
        } catch (IOException e) {
          failure = e;
          // The segment may now end in a partial frame; later frames behind it would be read as a
          // torn tail and skipped. Seal it and continue in a new segment so that every append
          // acknowledged from now on is readable.
          try {
            openNewSegment();
          } catch (IOException rollFailure) {
            e.addSuppressed(rollFailure);
          }
        }
      }
      for (Pending p : group) {
        if (failure == null) {
          p.done.complete(null);
        } else {
          p.done.completeExceptionally(failure);
        }
      }
      group.clear();
    }
  }

  private void openNewSegment() throws IOException {
    Path counter = dir.resolve("NEXT_SEGMENT");
    long next = Files.exists(counter) ? Long.parseLong(Files.readString(counter).trim()) : 1;
    long highest = sealedSegments().stream().mapToLong(Spool::number).max().orElse(0);
    next = Math.max(next, highest + 1);
    // Persist the counter before using the number: segment numbers, and so raw object names,
    // are never reused, even after every segment was drained and deleted.
    Path tmp = dir.resolve("NEXT_SEGMENT.tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(Long.toString(next + 1).getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    Files.move(tmp, counter, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (active != null) {
      active.force(true);
      active.close();
    }
    active =
        FileChannel.open(
            segmentPath(next), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    activeNumber = next;
    fsyncDirectory();
  }

  private void fsyncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open directories; the rename above is still atomic.
      LOG.debug("directory fsync not supported: {}", e.toString());
    }
  }

  private Path segmentPath(long n) {
    return dir.resolve(String.format("%s%012d%s", SEGMENT_PREFIX, n, SEGMENT_SUFFIX));
  }

  private static long number(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(
        name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length()));
  }

  private List<Path> sealedSegments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith(SEGMENT_PREFIX) && n.endsWith(SEGMENT_SUFFIX);
              })
          .filter(p -> number(p) != activeNumber)
          .sorted()
          .toList();
    }
  }

  /**
   * Seals the active segment and feeds every sealed segment to {@code consumer}, oldest first.
   *
   * @return the number of envelopes handed over
   */
  public long drain(ChunkConsumer consumer) throws IOException {
    synchronized (segmentLock) {
      if (active.size() > 0) {
        openNewSegment();
      }
    }
    long total = 0;
    for (Path segment : sealedSegments()) {
      total += drainSegment(segment, consumer);
      Files.delete(segment);
    }
    return total;
  }

  private long drainSegment(Path segment, ChunkConsumer consumer) throws IOException {
    long n = number(segment);
    byte[] all = Files.readAllBytes(segment);
    ByteBuffer buf = ByteBuffer.wrap(all);
    List<Envelope> chunk = new ArrayList<>();
    long frame = 0;
    long chunkStart = 0;
    long total = 0;
    CRC32C crc = new CRC32C();
    while (buf.remaining() >= 8) {
      int at = buf.position();
      int length = buf.getInt();
      int expected = buf.getInt();
      if (length < 0 || length > MAX_FRAME || length > buf.remaining()) {
        buf.position(at);
        break;
      }
      crc.reset();
      crc.update(all, buf.position(), length);
      if ((int) crc.getValue() != expected) {
        buf.position(at);
        break;
      }
      chunk.add(EnvelopeCodec.decode(all, buf.position(), length));
      buf.position(buf.position() + length);
      frame++;
      if (chunk.size() == DRAIN_CHUNK) {
        consumer.accept(chunk, chunkId(n, chunkStart));
        total += chunk.size();
        chunk = new ArrayList<>();
        chunkStart = frame;
      }
    }
    if (!chunk.isEmpty()) {
      consumer.accept(chunk, chunkId(n, chunkStart));
      total += chunk.size();
    }
    if (buf.hasRemaining()) {
      LOG.warn(
          "spool segment {}: ignored {} bytes of a write cut short by a crash (never acknowledged)",
          n,
          buf.remaining());
    }
    return total;
  }

  private static String chunkId(long segment, long firstFrame) {
    return String.format("spool-%012d-%08d", segment, firstFrame);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.done.completeExceptionally(new IOException("spool is closed"));
    }
    synchronized (segmentLock) {
      active.force(true);
      active.close();
    }
    lock.release();
    lockChannel.close();
  }
}
