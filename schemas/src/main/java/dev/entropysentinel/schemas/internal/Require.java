package dev.entropysentinel.schemas.internal;

import dev.entropysentinel.schemas.InvalidRecordException;
import dev.entropysentinel.schemas.SchemaVersion;
import java.util.List;
import java.util.Map;

/** Field checks used by the records' compact constructors; each failure names the field. */
public final class Require {
  /** Longest id (run, host, benchmark, method...) we accept. */
  public static final int MAX_ID = 256;
  /** Longest free text (reasons, summaries) we accept. */
  public static final int MAX_TEXT = 4096;
  /** Most entries in a map or list field. */
  public static final int MAX_ENTRIES = 256;

  private Require() {}

  public static String version(String schemaVersion) {
    SchemaVersion.check(schemaVersion);
    return schemaVersion;
  }

  public static String id(String field, String value) {
    return text(field, value, MAX_ID, false);
  }

  public static String text(String field, String value) {
    return text(field, value, MAX_TEXT, true);
  }

  public static String optionalText(String field, String value) {
    return value == null ? null : text(field, value, MAX_TEXT, true);
  }

  private static String text(String field, String value, int max, boolean blankAllowed) {
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    if (!blankAllowed && value.isBlank()) {
      throw new InvalidRecordException(field, "must not be blank");
    }
    if (value.length() > max) {
      throw new InvalidRecordException(field, "is " + value.length() + " characters, at most " + max + " allowed");
    }
    return value;
  }

  public static <T> T present(String field, T value) {
    if (value == null) {
      throw new InvalidRecordException(field, "is required");
    }
    return value;
  }

  public static double finite(String field, double value) {
    if (!Double.isFinite(value)) {
      throw new InvalidRecordException(field, "must be a finite number, was " + value);
    }
    return value;
  }

  public static Double finiteOrNull(String field, Double value) {
    return value == null ? null : finite(field, value);
  }

  public static double nonNegative(String field, double value) {
    finite(field, value);
    if (value < 0) {
      throw new InvalidRecordException(field, "must be >= 0, was " + value);
    }
    return value;
  }

  public static long nonNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidRecordException(field, "must be >= 0, was " + value);
    }
    return value;
  }

  public static long atMost(String field, long value, long max, String maxField) {
    if (value > max) {
      throw new InvalidRecordException(field, "must be <= " + maxField + " (" + max + "), was " + value);
    }
    return value;
  }

  public static double fraction(String field, double value) {
    finite(field, value);
    if (value < 0 || value > 1) {
      throw new InvalidRecordException(field, "must be a fraction in [0, 1], was " + value);
    }
    return value;
  }

  /** Copies a map of finite numbers, refusing blank keys, non-finite values and oversized maps. */
  public static Map<String, Double> finiteMap(String field, Map<String, Double> map) {
    if (map == null) {
      return Map.of();
    }
    entries(field, map.size());
    map.forEach((k, v) -> {
      id(field + " key", k);
      finite(field + "." + k, present(field + "." + k, v));
    });
    return Map.copyOf(map);
  }

  /** Copies a map of strings, refusing blank keys, null or oversized values. */
  public static Map<String, String> textMap(String field, Map<String, String> map) {
    if (map == null) {
      return Map.of();
    }
    entries(field, map.size());
    map.forEach((k, v) -> {
      id(field + " key", k);
      text(field + "." + k, v);
    });
    return Map.copyOf(map);
  }

  public static <T> List<T> list(String field, List<T> list) {
    if (list == null) {
      return List.of();
    }
    entries(field, list.size());
    for (int i = 0; i < list.size(); i++) {
      present(field + "[" + i + "]", list.get(i));
    }
    return List.copyOf(list);
  }

  private static void entries(String field, int size) {
    if (size > MAX_ENTRIES) {
      throw new InvalidRecordException(field, "has " + size + " entries, at most " + MAX_ENTRIES + " allowed");
    }
  }
}
