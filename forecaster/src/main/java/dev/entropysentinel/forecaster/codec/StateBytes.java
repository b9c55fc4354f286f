package dev.entropysentinel.forecaster.codec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The primitives of the binary state layouts (the forecaster's monitor state, the processor's
 * stores): integers as zig-zag varints (steps and counts take one or two bytes), doubles as their
 * 8 IEEE bytes (exact, NaN kept), strings as UTF-8 with a length (0 = null), maps in key order so
 * equal values give equal bytes. Binary rather than JSON because every input re-encodes its run's
 * state: Jackson was 40% of the stream thread.
 */
public final class StateBytes {
  private StateBytes() {}

  /** A growing output buffer. */
  public static final class Out {
    private byte[] buf;
    private int size;

    public Out() {
      this(256);
    }

    /** @param expected bytes the value will likely take, so the buffer is not copied as it grows */
    public Out(int expected) {
      buf = new byte[Math.max(16, expected)];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    public Out u8(int v) {
      ensure(1);
      buf[size++] = (byte) v;
      return this;
    }

    public Out bool(boolean v) {
      return u8(v ? 1 : 0);
    }

    public Out i64(long v) {
      return varint((v << 1) ^ (v >> 63));
    }

    public Out f64(double v) {
      long bits = Double.doubleToRawLongBits(v);
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (bits >>> shift);
      }
      return this;
    }

    public Out bytes(byte[] b) {
      return i64(b.length).raw(b);
    }

    /** The bytes as they are, without their length: for a part whose own layout ends it. */
    public Out raw(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    /** A non-negative integer as an unsigned varint (one byte below 128). */
    public Out u64(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("u64 takes a non-negative value, was " + v);
      }
      return varint(v);
    }

    /** {@code z}'s bits, seven at a time, low first; the top bit of a byte says another follows. */
    private Out varint(long z) {
      ensure(10);
      long rest = z;
      while ((rest & ~0x7FL) != 0) {
        buf[size++] = (byte) ((rest & 0x7F) | 0x80);
        rest >>>= 7;
      }
      buf[size++] = (byte) rest;
      return this;
    }

    public Out str(String s) {
      if (s == null) {
        return i64(0);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i64(b.length + 1L);
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    public Out optI64(Long v) {
      return v == null ? bool(false) : bool(true).i64(v);
    }

    public Out optF64(Double v) {
      return v == null ? bool(false) : bool(true).f64(v);
    }

    /** An enum constant's ordinal + 1, 0 for null. */
    public Out enumeration(Enum<?> e) {
      return i64(e == null ? 0 : e.ordinal() + 1L);
    }

    public <T> Out list(List<T> items, BiConsumer<Out, T> each) {
      i64(items.size());
      items.forEach(item -> each.accept(this, item));
      return this;
    }

    public <V> Out map(Map<String, V> items, BiConsumer<Out, V> each) {
      i64(items.size());
      new TreeMap<>(items).forEach((k, v) -> {
        str(k);
        each.accept(this, v);
      });
      return this;
    }

    public byte[] toBytes() {
      return Arrays.copyOf(buf, size);
    }
  }

  /** Reads what {@link Out} wrote; a truncated value throws {@link BufferUnderflowException}. */
  public static final class In {
    private final ByteBuffer in;

    public In(byte[] bytes) {
      this.in = ByteBuffer.wrap(bytes);
    }

    public int u8() {
      return in.get() & 0xFF;
    }

    public boolean bool() {
      return u8() != 0;
    }

    public long i64() {
      long z = varint(10, "a varint longer than 10 bytes");
      return (z >>> 1) ^ -(z & 1);
    }

    /** What {@link Out#u64} wrote. */
    public long u64() {
      return varint(9, "an unsigned varint longer than 9 bytes");
    }

    private long varint(int maxBytes, String tooLong) {
      long z = 0;
      for (int shift = 0; shift < 7 * maxBytes; shift += 7) {
        byte b = in.get();
        z |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return z;
        }
      }
      throw new IllegalArgumentException(tooLong);
    }

    public int i32() {
      return Math.toIntExact(i64());
    }

    public double f64() {
      return Double.longBitsToDouble(in.getLong());
    }

    /** A length that the bytes left can hold; a corrupt or truncated one reads as underflow. */
    private int length(int n) {
      if (n < 0 || n > in.remaining()) {
        throw new BufferUnderflowException();
      }
      return n;
    }

    public byte[] bytes() {
      byte[] b = new byte[length(i32())];
      in.get(b);
      return b;
    }

    public String str() {
      int n = i32();
      if (n == 0) {
        return null;
      }
      byte[] b = new byte[length(n - 1)];
      in.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    public Long optI64() {
      return bool() ? i64() : null;
    }

    public Double optF64() {
      return bool() ? f64() : null;
    }

    public <E extends Enum<E>> E enumeration(E[] values) {
      int i = i32();
      return i == 0 ? null : values[i - 1];
    }

    public <T> List<T> list(Function<In, T> each) {
      int n = length(i32());
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(each.apply(this));
      }
      return out;
    }

    public <V> Map<String, V> map(Function<In, V> each) {
      int n = length(i32());
      Map<String, V> out = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        out.put(str(), each.apply(this));
      }
      return out;
    }

    public int remaining() {
      return in.remaining();
    }
  }
}
