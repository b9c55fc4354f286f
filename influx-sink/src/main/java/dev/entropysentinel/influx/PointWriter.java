package dev.entropysentinel.influx;

import java.util.List;
import org.influxdb.dto.Point;

/**
 * Writes a batch of points or throws; the sink keeps the batch and retries on failure. Encoding
 * (line protocol, the CPU-heavy half) and sending are separate so the sink can encode the next
 * batch while influxd takes the current one.
 */
public interface PointWriter extends AutoCloseable {
  /** The request body that writes these points, all or none. */
  String encode(List<Point> points);

  /**
   * Sends a body from {@link #encode}.
   *
   * @throws RuntimeException when influxd is unreachable or refuses the batch
   */
  void write(String encoded);

  /** Writes all points or none ({@link #encode} then {@link #write(String)} unless overridden). */
  default void write(List<Point> points) {
    write(encode(points));
  }

  @Override
  void close();
}
