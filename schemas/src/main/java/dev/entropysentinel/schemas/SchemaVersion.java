package dev.entropysentinel.schemas;

/**
 * Versions of the wire format, "major.minor". A reader accepts any minor version of its major
 * (minor versions only add optional fields, which readers ignore) and rejects other majors.
 */
public final class SchemaVersion {
  /** The major version this code reads and writes. */
  public static final int MAJOR = 1;
  /**
   * The version this code writes. 1.1: step-stats may name the fields their source did not
   * measure ({@code absentFields}).
   */
  public static final String CURRENT = MAJOR + ".1";

  private SchemaVersion() {}

  /** Throws {@link InvalidRecordException} naming {@code schemaVersion} unless it is readable. */
  public static void check(String version) {
    if (version == null) {
      throw new InvalidRecordException("schemaVersion", "is required");
    }
    int dot = version.indexOf('.');
    String major = dot < 0 ? version : version.substring(0, dot);
    int parsed;
    try {
      parsed = Integer.parseInt(major);
      if (dot >= 0) {
        Integer.parseInt(version.substring(dot + 1));
      }
    } catch (NumberFormatException e) {
      throw new InvalidRecordException("schemaVersion", "must look like \"" + CURRENT + "\", was \"" + abbreviate(version) + "\"");
    }
    if (parsed != MAJOR) {
      throw new InvalidRecordException("schemaVersion",
          "major version " + parsed + " is not readable by this reader (reads " + MAJOR + ".x); upgrade Sentinel");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
