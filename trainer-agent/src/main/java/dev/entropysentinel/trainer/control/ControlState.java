package dev.entropysentinel.trainer.control;

import java.util.Map;

/**
 * What the trainer must remember about control commands across a restart: the sequence number of
 * the last command it applied (0: none). Saved with every checkpoint, so a command replayed after
 * a resume is still refused.
 */
public record ControlState(long lastAppliedSeq) {
  static final String CHECKPOINT_KEY = "control.lastAppliedSeq";
  static final String VERSION_KEY = "control.stateVersion";
  static final int VERSION = 1;
  public static final ControlState INITIAL = new ControlState(0);

  public ControlState {
    if (lastAppliedSeq < 0) {
      throw new IllegalArgumentException("control.lastAppliedSeq must be >= 0, was " + lastAppliedSeq);
    }
  }

  /** The state saved in a checkpoint's entries, or {@link #INITIAL} when it holds none. */
  public static ControlState fromCheckpoint(Map<String, String> entries) {
    String seq = entries.get(CHECKPOINT_KEY);
    if (seq == null) {
      return INITIAL;
    }
    String version = entries.getOrDefault(VERSION_KEY, "");
    if (!String.valueOf(VERSION).equals(version)) {
      throw new IllegalArgumentException(VERSION_KEY + " " + version + " is not supported (expected " + VERSION + ")");
    }
    try {
      return new ControlState(Long.parseLong(seq));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(CHECKPOINT_KEY + " must be a number, was \"" + seq + "\"", e);
    }
  }

  public Map<String, String> toCheckpoint() {
    return Map.of(CHECKPOINT_KEY, Long.toString(lastAppliedSeq), VERSION_KEY, Integer.toString(VERSION));
  }
}
