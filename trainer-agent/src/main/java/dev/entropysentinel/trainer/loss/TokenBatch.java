package dev.entropysentinel.trainer.loss;

import java.util.List;

/**
 * Per-token values of a mini-batch, flattened ({@code [sequences × response positions]}), that
 * the selections need; all are detached copies. Masked positions ({@code mask[i] == false}: after
 * EOS) never count anywhere.
 *
 * @param logp current log-probability of the sampled token
 * @param oldLogp log-probability under the rollout policy
 * @param advantages the sequence's advantage, repeated on each of its tokens
 * @param mask whether the position is a valid response token
 * @param oldEntropy entropy of the rollout policy's next-token distribution at the position
 */
public record TokenBatch(float[] logp, float[] oldLogp, float[] advantages, boolean[] mask, float[] oldEntropy) {

  public TokenBatch {
    int n = logp.length;
    if (oldLogp.length != n || advantages.length != n || mask.length != n || oldEntropy.length != n) {
      throw new IllegalArgumentException("token arrays must have equal lengths, logp has " + n);
    }
  }

  public int size() {
    return logp.length;
  }

  public int validCount() {
    int n = 0;
    for (boolean m : mask) {
      n += m ? 1 : 0;
    }
    return n;
  }

  /** The batches one after another: the global batch of several ranks. */
  public static TokenBatch concat(List<TokenBatch> parts) {
    int n = parts.stream().mapToInt(TokenBatch::size).sum();
    TokenBatch all = new TokenBatch(new float[n], new float[n], new float[n], new boolean[n], new float[n]);
    int offset = 0;
    for (TokenBatch p : parts) {
      System.arraycopy(p.logp, 0, all.logp, offset, p.size());
      System.arraycopy(p.oldLogp, 0, all.oldLogp, offset, p.size());
      System.arraycopy(p.advantages, 0, all.advantages, offset, p.size());
      System.arraycopy(p.mask, 0, all.mask, offset, p.size());
      System.arraycopy(p.oldEntropy, 0, all.oldEntropy, offset, p.size());
      offset += p.size();
    }
    return all;
  }
}
