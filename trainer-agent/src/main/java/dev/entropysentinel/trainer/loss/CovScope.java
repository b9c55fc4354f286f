package dev.entropysentinel.trainer.loss;

/**
 * Where token selections (Clip-Cov, KL-Cov, STEER's m range, forking tokens) are computed: over
 * each rank's own mini-batch, or over the mini-batch of all ranks together (science.md §5).
 */
public enum CovScope {
  LOCAL,
  GLOBAL
}
