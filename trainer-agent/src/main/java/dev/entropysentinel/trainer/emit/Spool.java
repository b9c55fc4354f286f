package dev.entropysentinel.trainer.emit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A bounded, append-only, on-disk queue of records waiting for the broker: the trainer's write-ahead
 * log, so records survive an outage and a restart and are sent in the order they were made.
 *
 * <p>Records live in segment files {@code segment-<first seq>.log}, one line each: {@code
 * seq TAB topic TAB key TAB crc32 TAB value}. The acknowledged {@link SpoolPosition} is kept in
 * {@code acked.position} and only moves after the broker acknowledged; segments wholly below it are
 * deleted. On open, a torn last line (a crash in the middle of a write) is detected, moved to a
 * {@code .corrupt} file next to its segment and reported in {@link #recovery()}; a damaged line
 * anywhere else is an error, since records after it could not be trusted either.
 *
 * <p>Appends never block on the broker: when the spool holds {@code maxBytes}, {@link #append}
 * returns false and the caller reports what was not spooled. Thread-safe; a line is flushed to the
 * operating system before {@code append} returns (a process crash loses nothing accepted; a
 * machine crash may lose the last lines, which the torn-line check then reports).
 */
public final class Spool implements AutoCloseable {
  static final String POSITION_FILE = "acked.position";
  private static final String PREFIX = "segment-";
  private static final String SUFFIX = ".log";

  /** One spooled record. */
  public record Entry(long seq, String topic, String key, byte[] value) {}

  /**
   * What {@link #open} found.
   *
   * @param acked the saved acknowledged position
   * @param pending records spooled but not acknowledged (sent again now)
   * @param corruptTail description of a torn last line that was set aside, or null
   */
  public record Recovery(SpoolPosition acked, long pending, String corruptTail) {}

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final Recovery recovery;
  private SpoolPosition acked;
  private long nextSeq;
  private long bytes;
  private OutputStream out;
  private long outBytes;
  private Cursor cursor;

  private Spool(Path dir, long maxBytes, long segmentBytes) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
    this.acked = SpoolPosition.load(dir.resolve(POSITION_FILE));
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().startsWith(PREFIX) && f.getFileName().toString().endsWith(SUFFIX))
          .forEach(f -> segments.put(firstSeq(f), f));
    }
    this.nextSeq = acked.next();
    String corrupt = null;
    for (var it = segments.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      boolean last = !it.hasNext();
      Scan scan = scan(e.getValue(), e.getKey());
      if (scan.badOffset >= 0) {
        if (!last) {
          throw new IOException(e.getValue() + ": damaged record at byte " + scan.badOffset + " (" + scan.problem
              + ") before the last segment; move " + dir + " aside to start a new spool");
        }
        corrupt = setAside(e.getValue(), scan.badOffset, scan.problem);
      }
      if (scan.lastSeq >= 0) {
        nextSeq = Math.max(nextSeq, scan.lastSeq + 1);
      }
    }
    deleteAcknowledgedSegments();
    for (Path f : segments.values()) {
      bytes += Files.size(f);
    }
    this.recovery = new Recovery(acked, nextSeq - acked.next(), corrupt);
  }

  /**
   * Opens (creating or resuming) the spool in {@code dir}.
   *
   * @param maxBytes bound on the bytes held; {@link #append} refuses beyond it
   * @param segmentBytes a segment is closed and a new one started beyond this size
   * @throws IOException when the directory cannot be used or a record before the tail is damaged
   */
  public static Spool open(Path dir, long maxBytes, long segmentBytes) throws IOException {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("spool.maxBytes must be >= 1, was " + maxBytes);
    }
    if (segmentBytes < 1 || segmentBytes > maxBytes) {
      throw new IllegalArgumentException("spool.segmentBytes must be in [1, spool.maxBytes = " + maxBytes + "], was " + segmentBytes);
    }
    return new Spool(dir, maxBytes, segmentBytes);
  }

  /** Opens with segments of at most 1 MiB (or a quarter of {@code maxBytes}). */
  public static Spool open(Path dir, long maxBytes) throws IOException {
    return open(dir, maxBytes, Math.max(1, Math.min(1 << 20, maxBytes / 4)));
  }

  public Recovery recovery() {
    return recovery;
  }

  public Path dir() {
    return dir;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Bytes held on disk (acknowledged records are freed a segment at a time). */
  public synchronized long bytes() {
    return bytes;
  }

  public synchronized SpoolPosition acked() {
    return acked;
  }

  /** The position after the last appended record. */
  public synchronized SpoolPosition end() {
    return new SpoolPosition(nextSeq);
  }

  /**
   * Appends a record unless the spool is full.
   *
   * @return its sequence number, or -1 when the spool holds {@code maxBytes} already
   * @throws IllegalArgumentException when topic or key hold a tab or newline, or value a newline
   */
  public synchronized long append(String topic, String key, byte[] value) {
    check(topic, "topic");
    check(key, "key");
    for (byte b : value) {
      if (b == '\n') {
        throw new IllegalArgumentException("spool value must be one line (compact JSON), " + topic + " record for " + key + " holds a newline");
      }
    }
    long seq = nextSeq;
    byte[] line = line(seq, topic, key, value);
    if (bytes + line.length > maxBytes) {
      return -1;
    }
    try {
      if (out == null || outBytes + line.length > segmentBytes && outBytes > 0) {
        roll(seq);
      }
      out.write(line);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the spool in " + dir + ": " + e.getMessage(), e);
    }
    outBytes += line.length;
    bytes += line.length;
    nextSeq++;
    return seq;
  }

  /** Up to {@code max} records from {@code from} on, in order (empty when none are spooled there). */
  public synchronized List<Entry> read(SpoolPosition from, int max) throws IOException {
    List<Entry> result = new ArrayList<>();
    if (from.next() >= nextSeq) {
      return result;
    }
    if (cursor == null || cursor.nextSeq != from.next()) {
      cursor = Cursor.at(segments, from.next());
    }
    while (result.size() < max && cursor != null && cursor.nextSeq < nextSeq) {
      Entry e = cursor.next();
      if (e == null) {
        Long following = segments.higherKey(cursor.first);
        cursor = following == null ? null : new Cursor(following, segments.get(following), 0, following);
        continue;
      }
      if (e.seq() >= from.next()) {
        result.add(e);
      }
    }
    return result;
  }

  /** Records everything below {@code position} as delivered; saves it and frees whole segments. */
  public synchronized void acknowledge(SpoolPosition position) throws IOException {
    if (position.compareTo(acked) <= 0) {
      return;
    }
    if (position.next() > nextSeq) {
      throw new IllegalArgumentException("spool.acknowledge past the end: " + position.next() + " > " + nextSeq);
    }
    position.save(dir.resolve(POSITION_FILE));
    acked = position;
    deleteAcknowledgedSegments();
  }

  private void deleteAcknowledgedSegments() throws IOException {
    while (segments.size() > 1 || segments.size() == 1 && out == null && acked.next() >= nextSeq) {
      var first = segments.firstEntry();
      Long following = segments.higherKey(first.getKey());
      long end = following == null ? nextSeq : following;
      if (end > acked.next()) {
        return;
      }
      bytes -= Files.exists(first.getValue()) ? Files.size(first.getValue()) : 0;
      Files.deleteIfExists(first.getValue());
      segments.remove(first.getKey());
      if (cursor != null && cursor.first == first.getKey()) {
        cursor = null;
      }
    }
  }

  private void roll(long seq) throws IOException {
    if (out != null) {
      out.close();
    }
    Path f = dir.resolve(String.format("%s%020d%s", PREFIX, seq, SUFFIX));
    out = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    outBytes = Files.size(f);
    segments.put(seq, f);
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  private static void check(String s, String what) {
    if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("spool " + what + " must not hold a tab or newline, was \"" + s + "\"");
    }
  }

  private static byte[] line(long seq, String topic, String key, byte[] value) {
    String head = seq + "\t" + topic + "\t" + key + "\t";
    String crc = Long.toHexString(crc(head, value));
    byte[] h = (head + crc + "\t").getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[h.length + value.length + 1];
    System.arraycopy(h, 0, line, 0, h.length);
    System.arraycopy(value, 0, line, h.length, value.length);
    line[line.length - 1] = '\n';
    return line;
  }

  private static long crc(String head, byte[] value) {
    CRC32 c = new CRC32();
    c.update(head.getBytes(StandardCharsets.UTF_8));
    c.update(value);
    return c.getValue();
  }

  /** Parses one line without its newline; null with {@code problem[0]} set when damaged. */
  private static Entry parse(byte[] buf, int from, int to, String[] problem) {
    int[] tabs = new int[4];
    int n = 0;
    for (int i = from; i < to && n < 4; i++) {
      if (buf[i] == '\t') {
        tabs[n++] = i;
      }
    }
    if (n < 4) {
      problem[0] = "missing fields";
      return null;
    }
    try {
      long seq = Long.parseLong(new String(buf, from, tabs[0] - from, StandardCharsets.UTF_8));
      String topic = new String(buf, tabs[0] + 1, tabs[1] - tabs[0] - 1, StandardCharsets.UTF_8);
      String key = new String(buf, tabs[1] + 1, tabs[2] - tabs[1] - 1, StandardCharsets.UTF_8);
      long crc = Long.parseLong(new String(buf, tabs[2] + 1, tabs[3] - tabs[2] - 1, StandardCharsets.UTF_8), 16);
      byte[] value = java.util.Arrays.copyOfRange(buf, tabs[3] + 1, to);
      if (crc(seq + "\t" + topic + "\t" + key + "\t", value) != crc) {
        problem[0] = "checksum mismatch";
        return null;
      }
      return new Entry(seq, topic, key, value);
    } catch (NumberFormatException e) {
      problem[0] = "unreadable number: " + e.getMessage();
      return null;
    }
  }

  private record Scan(long lastSeq, long badOffset, String problem) {}

  private static Scan scan(Path f, long firstSeq) throws IOException {
    byte[] buf = Files.readAllBytes(f);
    long expected = firstSeq;
    int start = 0;
    long lastSeq = -1;
    String[] problem = new String[1];
    while (start < buf.length) {
      int nl = indexOf(buf, start);
      if (nl < 0) {
        return new Scan(lastSeq, start, "torn last line, " + (buf.length - start) + " bytes without a newline");
      }
      Entry e = parse(buf, start, nl, problem);
      if (e == null || e.seq() != expected) {
        return new Scan(lastSeq, start, e == null ? problem[0] : "sequence " + e.seq() + " where " + expected + " was expected");
      }
      lastSeq = e.seq();
      expected++;
      start = nl + 1;
    }
    return new Scan(lastSeq, -1, null);
  }

  private static String setAside(Path segment, long offset, String problem) throws IOException {
    Path aside = segment.resolveSibling(segment.getFileName() + ".corrupt-" + offset);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer rest = ByteBuffer.allocate((int) (ch.size() - offset));
      ch.read(rest, offset);
      Files.write(aside, rest.array());
      ch.truncate(offset);
    }
    return segment.getFileName() + " byte " + offset + ": " + problem + "; the bytes were moved to " + aside
        + " and the records before it kept";
  }

  private static int indexOf(byte[] buf, int from) {
    for (int i = from; i < buf.length; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long firstSeq(Path f) {
    String name = f.getFileName().toString();
    return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
  }

  /** Sequential reading through one segment. */
  private static final class Cursor {
    final long first;
    final Path file;
    long offset;
    long nextSeq;

    Cursor(long first, Path file, long offset, long nextSeq) {
      this.first = first;
      this.file = file;
      this.offset = offset;
      this.nextSeq = nextSeq;
    }

    static Cursor at(TreeMap<Long, Path> segments, long seq) {
      var e = segments.floorEntry(seq);
      if (e == null) {
        e = segments.firstEntry();
      }
      return e == null ? null : new Cursor(e.getKey(), e.getValue(), 0, e.getKey());
    }

    /** The next complete record of this segment, or null at its end. */
    Entry next() throws IOException {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        if (offset >= ch.size()) {
          return null;
        }
        int chunk = 1 << 16;
        byte[] b;
        int nl;
        while (true) {
          ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size() - offset, chunk));
          ch.read(buf, offset);
          b = buf.array();
          nl = indexOf(b, 0);
          if (nl >= 0 || b.length < chunk) {
            break;
          }
          chunk *= 2;
        }
        if (nl < 0) {
          return null;
        }
        String[] problem = new String[1];
        Entry e = parse(b, 0, nl, problem);
        if (e == null) {
          throw new IOException(file + ": damaged record at byte " + offset + ": " + problem[0]);
        }
        offset += nl + 1;
        nextSeq = e.seq() + 1;
        return e;
      }
    }
  }
}
