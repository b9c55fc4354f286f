package dev.entropysentinel.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.entropysentinel.trainer.internal.Scalars;

/**
 * One pre-norm transformer block: causal multi-head self-attention, then a GELU MLP, each with a
 * residual connection. Inputs: activations {@code [B, T, d]} and an additive {@code [T, T]} mask.
 * Every op is called on an activation, never on a parameter, so results join the step's manager.
 */
final class DecoderLayer extends AbstractBlock {
  private final ModelConfig config;
  private final LayerNorm attentionNorm;
  private final Linear qkv;
  private final Linear projection;
  private final LayerNorm mlpNorm;
  private final Linear expand;
  private final Linear contract;

  DecoderLayer(ModelConfig config) {
    this.config = config;
    attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
    qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * config.modelDim()).build());
    projection = addChildBlock("projection", Linear.builder().setUnits(config.modelDim()).build());
    mlpNorm = addChildBlock("mlpNorm", LayerNorm.builder().axis(2).build());
    expand = addChildBlock("expand", Linear.builder().setUnits((long) config.modelDim() * config.ffnMultiplier()).build());
    contract = addChildBlock("contract", Linear.builder().setUnits(config.modelDim()).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray mask = inputs.get(1);
    long batch = x.getShape().get(0);
    long time = x.getShape().get(1);
    int heads = config.heads();
    int headDim = config.headDim();

    NDArray h = attentionNorm.forward(store, new NDList(x), training).head();
    NDArray packed = qkv.forward(store, new NDList(h), training).head()
        .reshape(batch, time, 3, heads, headDim)
        .transpose(2, 0, 3, 1, 4);
    NDArray q = packed.get(0).mul(Scalars.of(x.getManager(), 1.0f / (float) Math.sqrt(headDim)));
    NDArray k = packed.get(1);
    NDArray v = packed.get(2);
    NDArray attention = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1);
    NDArray mixed = attention.matMul(v).transpose(0, 2, 1, 3).reshape(batch, time, config.modelDim());
    x = x.add(projection.forward(store, new NDList(mixed), training).head());

    NDArray m = mlpNorm.forward(store, new NDList(x), training).head();
    m = Activation.gelu(expand.forward(store, new NDList(m), training).head());
    x = x.add(contract.forward(store, new NDList(m), training).head());
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    attentionNorm.initialize(manager, dataType, x);
    qkv.initialize(manager, dataType, x);
    projection.initialize(manager, dataType, x);
    mlpNorm.initialize(manager, dataType, x);
    expand.initialize(manager, dataType, x);
    contract.initialize(manager, dataType, new Shape(x.get(0), x.get(1), (long) config.modelDim() * config.ffnMultiplier()));
  }
}
