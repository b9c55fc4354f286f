package dev.entropysentinel.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The policy network: token and learned position embeddings, {@code layers} causal decoder
 * blocks, a final layer norm and an untied output head. Input: token ids {@code [B, T]} (int32,
 * {@code T <= contextLength}); output: next-token logits {@code [B, T, vocabSize]}.
 */
final class DecoderTransformer extends AbstractBlock {
  private final ModelConfig config;
  private final Parameter tokenEmbedding;
  private final Parameter positionEmbedding;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final LayerNorm finalNorm;
  private final Linear head;
  /** Additive causal masks by length, built once in Java (tiny) to save ops per forward. */
  private final ConcurrentMap<Integer, float[]> causalMasks = new ConcurrentHashMap<>();

  DecoderTransformer(ModelConfig config) {
    this.config = config;
    tokenEmbedding = addParameter(Parameter.builder().setName("tokenEmbedding").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(config.vocabSize(), config.modelDim())).optInitializer(new NormalInitializer(0.02f)).build());
    positionEmbedding = addParameter(Parameter.builder().setName("positionEmbedding").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(config.contextLength(), config.modelDim())).optInitializer(new NormalInitializer(0.02f)).build());
    for (int i = 0; i < config.layers(); i++) {
      layers.add(addChildBlock("layer" + i, new DecoderLayer(config)));
    }
    finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
    head = addChildBlock("head", Linear.builder().setUnits(config.vocabSize()).build());
    // Without a DJL Trainer nothing sets an initializer for WEIGHT parameters, and libtorch would
    // leave them uninitialised (empty): set Xavier for every linear weight here.
    setInitializer(new XavierInitializer(),
        p -> p.getType() == Parameter.Type.WEIGHT && p != tokenEmbedding && p != positionEmbedding);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray tokens = inputs.head();
    NDManager manager = tokens.getManager();
    int time = (int) tokens.getShape().get(1);
    if (time > config.contextLength()) {
      throw new IllegalArgumentException("sequence length " + time + " exceeds model.contextLength " + config.contextLength());
    }
    NDArray wte = store.getValue(tokenEmbedding, tokens.getDevice(), training);
    NDArray wpe = store.getValue(positionEmbedding, tokens.getDevice(), training);
    NDArray x = tokens.getNDArrayInternal().embedding(tokens, wte, SparseFormat.DENSE).head();
    x = x.add(wpe.get(manager, new NDIndex("0:{}", time)));
    NDArray mask = manager.create(causalMasks.computeIfAbsent(time, DecoderTransformer::causalMask), new Shape(time, time));
    for (DecoderLayer layer : layers) {
      x = layer.forward(store, new NDList(x, mask), training).head();
    }
    x = finalNorm.forward(store, new NDList(x), training).head();
    return head.forward(store, new NDList(x), training);
  }

  private static float[] causalMask(int time) {
    float[] mask = new float[time * time];
    for (int i = 0; i < time; i++) {
      for (int j = i + 1; j < time; j++) {
        mask[i * time + j] = -1e9f;
      }
    }
    return mask;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape tokens = inputShapes[0];
    return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config.vocabSize())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape tokens = inputShapes[0];
    Shape hidden = new Shape(tokens.get(0), tokens.get(1), config.modelDim());
    Shape mask = new Shape(tokens.get(1), tokens.get(1));
    for (DecoderLayer layer : layers) {
      layer.initialize(manager, dataType, hidden, mask);
    }
    finalNorm.initialize(manager, dataType, hidden);
    head.initialize(manager, dataType, hidden);
  }
}
