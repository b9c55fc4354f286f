package dev.entropysentinel.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.entropysentinel.trainer.internal.Scalars;

/**
 * The differentiable policy loss of science.md §3–4, token-mean over valid tokens:
 *
 * <pre>
 *   ratio = exp(logp - old_logp);  pg1 = -A·ratio;  pg2 = -A·clip(ratio, 1-epsLow, 1+epsHigh)
 *   term  = max(pg1, pg2)            (pg1 alone for KL-Cov)
 *   term  = detached ? sg(term) : term                       (Clip-Cov)
 *   term += klPenalty·|logp - old_logp|                      (KL-Cov)
 *   term *= weight                                           (STEER, forking tokens; no gradient)
 *   term -= α·H(current)                                     (entropy bonus, adaptive entropy)
 *   term += β·(exp(ref - logp) - (ref - logp) - 1)           (reference KL, k3 estimator)
 * </pre>
 *
 * <p>Every constant enters as an array of the step's manager ({@link Scalars}), never as a
 * {@code Number}: autograd keeps it until the backward pass. Masked positions (after EOS) enter with {@code logp - old_logp} and {@code ref - logp} set to
 * 0, so nothing computed there can overflow; their terms are then multiplied by 0.
 */
public final class SurrogateLoss {
  private SurrogateLoss() {}

  /**
   * @param logp current log-probabilities of the sampled tokens {@code [B, R]}, with gradient
   * @param entropy current per-position entropies {@code [B, R]}, with gradient; read only when
   *     {@code entropyCoef > 0}
   * @param refLogp the frozen reference's log-probabilities, or null when β is 0
   * @param entropyCoef the α in force this step (0 switches the bonus off)
   */
  public static NDArray loss(NDArray logp, NDArray entropy, TokenBatch batch, TokenPlan plan, float[] refLogp,
      LossConfig config, double entropyCoef) {
    NDManager m = logp.getManager();
    Shape shape = logp.getShape();
    NDArray valid = m.create(floats(batch.mask()), shape);
    // Zero the log-ratio at masked positions before exp: their targets (PAD after EOS) were never
    // sampled, so logp - old_logp there is unbounded, and an exp overflow multiplied by a 0 mask
    // is NaN in the loss and in every gradient (0 · ∞).
    NDArray logRatio = logp.sub(m.create(batch.oldLogp(), shape)).mul(valid);
    NDArray ratio = logRatio.exp();
    NDArray negAdvantage = m.create(batch.advantages(), shape).neg();
    NDArray term = negAdvantage.mul(ratio);
    if (config.method().clips()) {
      term = term.maximum(negAdvantage.mul(ratio.clip(1 - config.epsLow(), 1 + config.epsHigh())));
    }
    if (plan.anyDetached()) {
      NDArray detached = m.create(floats(plan.detached()), shape);
      term = term.mul(Scalars.of(m, 1f).sub(detached)).add(term.stopGradient().mul(detached));
    }
    if (plan.anyPenalised()) {
      term = term.add(m.create(plan.klPenalty(), shape).mul(logRatio.abs()));
    }
    if (!allOnes(plan.weight())) {
      term = term.mul(m.create(plan.weight(), shape));
    }
    if (entropyCoef > 0) {
      term = term.sub(entropy.mul(Scalars.of(m, (float) entropyCoef)));
    }
    if (refLogp != null && config.refKlCoef() > 0) {
      NDArray d = m.create(refLogp, shape).sub(logp).mul(valid);
      term = term.add(d.exp().sub(d).sub(Scalars.of(m, 1f)).mul(Scalars.of(m, (float) config.refKlCoef())));
    }
    return term.mul(valid).sum().div(Scalars.of(m, Math.max(1, batch.validCount())));
  }

  static float[] floats(boolean[] flags) {
    float[] out = new float[flags.length];
    for (int i = 0; i < flags.length; i++) {
      out[i] = flags[i] ? 1f : 0f;
    }
    return out;
  }

  private static boolean allOnes(float[] w) {
    for (float v : w) {
      if (v != 1f) {
        return false;
      }
    }
    return true;
  }
}
