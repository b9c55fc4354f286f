package dev.entropysentinel.trainer.sidecar;

/**
 * Where a follower is in a log file: the file's identity (device and inode, so a rotated file is
 * told from its successor), the offset after the last complete line read, and the file's first bytes
 * (base64), so a file truncated and rewritten past the offset between two looks (verl's file logger
 * reopens with "wb" on restart) is still noticed.
 *
 * @param fileKey the file's identity, null before any file was opened
 * @param offset bytes read, up to the end of the last complete line
 * @param head the first bytes of the file as read, base64 ({@value LogFollower#HEAD_BYTES} at most)
 */
public record FollowPosition(String fileKey, long offset, String head) {
  public static final FollowPosition START = new FollowPosition(null, 0, "");

  public FollowPosition {
    if (offset < 0) {
      throw new IllegalArgumentException("sidecar.position.offset must be >= 0, was " + offset);
    }
    head = head == null ? "" : head;
  }
}
