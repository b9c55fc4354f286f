package dev.entropysentinel.trainer.loss;

import java.util.Random;

/** Turns a method's configuration and a mini-batch's detached values into a {@link TokenPlan}. */
public final class LossPlanner {
  private final LossConfig config;
  private final Random random;

  /** {@code random} draws Clip-Cov's uniform choice; seed it for reproducible runs. */
  public LossPlanner(LossConfig config, Random random) {
    this.config = config;
    this.random = random;
  }

  public LossConfig config() {
    return config;
  }

  public TokenPlan plan(TokenBatch b) {
    int n = b.size();
    boolean clips = config.method().clips();
    boolean[] low = clips ? TokenSelection.clippedLow(b, config.epsLow()) : new boolean[n];
    boolean[] high = clips ? TokenSelection.clippedHigh(b, config.epsHigh()) : new boolean[n];
    TokenPlan neutral = TokenPlan.neutral(n);
    float[] weight = neutral.weight();
    boolean[] detached = neutral.detached();
    float[] klPenalty = neutral.klPenalty();
    switch (config.method()) {
      case CLIP_COV -> {
        boolean[] clipped = new boolean[n];
        for (int i = 0; i < n; i++) {
          clipped[i] = low[i] || high[i];
        }
        detached = TokenSelection.clipCovDetached(b, clipped, config.clipCovRatio(), config.clipCovLb(), config.clipCovUb(), random);
      }
      case KL_COV -> {
        boolean[] penalised = TokenSelection.klCovPenalised(b, config.klCovRatio());
        for (int i = 0; i < n; i++) {
          klPenalty[i] = penalised[i] ? (float) config.klCoef() : 0f;
        }
      }
      case STEER -> weight = TokenSelection.steerWeights(b, config.steerMode(), config.steerWMin(), config.steerWMax());
      case FORKING_TOKENS -> {
        boolean[] forking = TokenSelection.forkingTokens(b, config.forkingRho());
        for (int i = 0; i < n; i++) {
          weight[i] = forking[i] ? 1f : 0f;
        }
      }
      default -> { }
    }
    return new TokenPlan(weight, detached, klPenalty, low, high);
  }
}
