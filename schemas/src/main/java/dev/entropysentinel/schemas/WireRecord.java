package dev.entropysentinel.schemas;

/** A record that travels on a Sentinel topic; every one carries its schema version. */
public interface WireRecord {
  String schemaVersion();
}
