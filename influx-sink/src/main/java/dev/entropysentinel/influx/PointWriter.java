package dev.entropysentinel.influx;

import java.util.List;
import org.influxdb.dto.Point;

/** Writes a batch of points or throws; the sink keeps the batch and retries on failure. */
public interface PointWriter extends AutoCloseable {
  /**
   * Writes all points or none.
   *
   * @throws RuntimeException when influxd is unreachable or refuses the batch
   */
  void write(List<Point> points);

  @Override
  void close();
}
