package dev.entropysentinel.trainer.rl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Every random stream a run draws from after the warm start, each for one purpose so that turning
 * one use on or off (statistics, a method's selection) leaves the others' draws unchanged. A
 * checkpoint holds their exact state ({@link #encode}), so a resumed run draws what the
 * uninterrupted run would have drawn.
 *
 * @param training the task suite's training prompts
 * @param planner Clip-Cov's uniform choice of tokens
 * @param update the PPO mini-batch shuffles
 * @param statistics the ΔH subsample
 * @param ranks each rank's sampling of responses
 */
record RandomStreams(Random training, Random planner, Random update, Random statistics, List<Random> ranks) {

  /** The streams of a fresh run of {@code seed} with {@code ranks} ranks. */
  static RandomStreams fresh(long seed, int ranks) {
    List<Random> byRank = new ArrayList<>(ranks);
    for (int r = 0; r < ranks; r++) {
      byRank.add(new Random(seed * 1_000_003L + 17L * (r + 1)));
    }
    return new RandomStreams(new Random(seed), new Random(seed + 2), new Random(seed + 3), new Random(seed + 4), List.copyOf(byRank));
  }

  /** The streams' current states ({@link Random} is serializable: its 48-bit seed and cached Gaussian). */
  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new Random[] {training, planner, update, statistics});
      out.writeObject(ranks.toArray(Random[]::new));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode random streams", e);
    }
    return bytes.toByteArray();
  }

  /**
   * The streams {@link #encode} saved.
   *
   * @throws IOException when the bytes are not such a state or hold another number of ranks
   */
  static RandomStreams decode(byte[] encoded, int ranks) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(encoded))) {
      in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("java.util.Random;maxdepth=2;!*"));
      Random[] shared = (Random[]) in.readObject();
      Random[] byRank = (Random[]) in.readObject();
      if (shared.length != 4 || byRank.length != ranks) {
        throw new IOException("saved random streams are for " + byRank.length + " rank(s), the run has " + ranks);
      }
      return new RandomStreams(shared[0], shared[1], shared[2], shared[3], List.of(byRank));
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new IOException("saved random streams are unreadable: " + e.getMessage(), e);
    }
  }
}
