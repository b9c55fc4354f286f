package dev.entropysentinel.influx;

import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;

/**
 * Synchronous writes with influxdb-java to InfluxDB 1.x, millisecond precision. The client's own
 * {@code enableBatch} is deliberately not used: it blocks or drops when its queue fills, while the
 * sink's buffer and Kafka's retention already make a better queue. The database is created on the
 * first write and again whenever influxd says it is missing (e.g. a fresh influxd came back).
 */
public final class InfluxWriter implements PointWriter {
  private final InfluxDB influx;
  private final String database;
  private volatile boolean databaseReady;

  /**
   * @param username null for an influxd without authentication
   */
  public InfluxWriter(String url, String database, String username, String password) {
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(10, TimeUnit.SECONDS)
        .writeTimeout(10, TimeUnit.SECONDS);
    this.influx = username == null ? InfluxDBFactory.connect(url, http) : InfluxDBFactory.connect(url, username, password, http);
    this.database = database;
  }

  /** The raw influxdb-java batch write ({@code InfluxDB.write(BatchPoints)}), which encodes and sends in one call. */
  @Override
  public void write(List<Point> points) {
    BatchPoints batch = batch(points);
    send(() -> influx.write(batch));
  }

  @Override
  public String encode(List<Point> points) {
    return batch(points).lineProtocol();
  }

  /** The same request {@link #write(List)} makes, with a body encoded beforehand. */
  @Override
  public void write(String encoded) {
    send(() -> influx.write(database, null, InfluxDB.ConsistencyLevel.ONE, TimeUnit.MILLISECONDS, encoded));
  }

  private BatchPoints batch(List<Point> points) {
    return BatchPoints.database(database).precision(TimeUnit.MILLISECONDS).points(points).build();
  }

  private void send(Runnable request) {
    if (!databaseReady) {
      createDatabase();
    }
    try {
      request.run();
    } catch (RuntimeException e) {
      if (String.valueOf(e.getMessage()).contains("database not found")) {
        databaseReady = false;
      }
      throw e;
    }
  }

  /** {@code CREATE DATABASE} is idempotent in InfluxDB 1.x. */
  private void createDatabase() {
    var result = influx.query(new Query("CREATE DATABASE \"" + database + "\""));
    if (result.hasError()) {
      throw new IllegalStateException("cannot create database " + database + ": " + result.getError());
    }
    databaseReady = true;
  }

  /** The client, for queries (tests, benchmarks). */
  public InfluxDB client() {
    return influx;
  }

  @Override
  public void close() {
    influx.close();
  }
}
