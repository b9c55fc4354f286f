package dev.entropysentinel.trainer.model;

import static dev.entropysentinel.trainer.internal.Check.atLeast;

/**
 * Sizes of the decoder-only transformer. Small by default so a 2-core CPU trains it in minutes.
 *
 * @param vocabSize number of token ids
 * @param contextLength longest token sequence the model reads (prompt + response)
 * @param modelDim width of the residual stream
 * @param heads attention heads; must divide {@code modelDim}
 * @param layers decoder blocks
 * @param ffnMultiplier hidden width of the MLP as a multiple of {@code modelDim}
 * @throws IllegalArgumentException naming the key and the value when a size is invalid
 */
public record ModelConfig(int vocabSize, int contextLength, int modelDim, int heads, int layers, int ffnMultiplier) {

  public ModelConfig {
    atLeast("model.vocabSize", vocabSize, 2);
    atLeast("model.contextLength", contextLength, 2);
    atLeast("model.modelDim", modelDim, 1);
    atLeast("model.heads", heads, 1);
    atLeast("model.layers", layers, 1);
    atLeast("model.ffnMultiplier", ffnMultiplier, 1);
    if (modelDim % heads != 0) {
      throw new IllegalArgumentException("model.heads must divide model.modelDim (" + modelDim + "), was " + heads);
    }
  }

  public int headDim() {
    return modelDim / heads;
  }
}
