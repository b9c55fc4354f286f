package dev.entropysentinel.influx;

/**
 * Counters of an {@link InfluxSink}: records read, unreadable records parked on the dead-letter
 * topic, points written, points waiting in the buffer, failed write attempts so far.
 */
public record SinkStats(long read, long unreadable, long written, int buffered, long failedWrites) {}
