package dev.entropysentinel.trainer.control;

import java.util.List;

/** Raw control records addressed to this run, received since the last call; never blocks. */
public interface ControlSource extends AutoCloseable {
  List<byte[]> poll();

  @Override
  void close();
}
