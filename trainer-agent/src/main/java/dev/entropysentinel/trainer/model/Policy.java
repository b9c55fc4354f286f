package dev.entropysentinel.trainer.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A language-model policy: the transformer's parameters in a DJL {@link Model} (which owns their
 * manager) plus the forward pass. Initialised by our code from a seed; nothing is downloaded.
 * Close it to free the parameters.
 */
public final class Policy implements AutoCloseable {
  private static final String PREFIX = "policy";

  private final ModelConfig config;
  private final Model model;
  private final DecoderTransformer block;
  private final ParameterStore store;

  private Policy(ModelConfig config, Model model, DecoderTransformer block) {
    this.config = config;
    this.model = model;
    this.block = block;
    this.store = new ParameterStore(model.getNDManager(), false);
  }

  /** A freshly initialised policy; {@code seed} fixes the initial weights. */
  public static Policy create(ModelConfig config, Device device, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    Model model = Model.newInstance(PREFIX, device, "PyTorch");
    DecoderTransformer block = new DecoderTransformer(config);
    model.setBlock(block);
    block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, config.contextLength()));
    return new Policy(config, model, block);
  }

  /** Next-token logits {@code [B, T, V]} for int32 tokens {@code [B, T]}; results join the tokens' manager. */
  public NDArray logits(NDArray tokens) {
    return block.forward(store, new NDList(tokens), true).head();
  }

  public ModelConfig config() {
    return config;
  }

  /** The trainable parameters by unique name (the optimizer keys its state by these). */
  public List<Pair<String, Parameter>> parameters() {
    return block.getParameters().stream().collect(Collectors.toList());
  }

  /** Manager owning the parameters: its array count must not grow across steps (leak check). */
  public NDManager parameterManager() {
    return model.getNDManager();
  }

  public long parameterCount() {
    return parameters().stream().mapToLong(p -> p.getValue().getShape().size()).sum();
  }

  /** An independent copy with the same weights (the frozen reference of ref-KL). */
  public Policy copy() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeParameters(out);
      return readParameters(config, model.getNDManager().getDevice(),
          new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the bare parameters, without the model's metadata (a checkpoint's frozen ref-KL reference). */
  public void writeParameters(DataOutputStream out) throws IOException {
    block.saveParameters(out);
  }

  /**
   * A policy of {@code config}'s sizes holding the parameters {@link #writeParameters} wrote.
   *
   * @throws IOException when they cannot be read or their sizes differ from {@code config}'s
   */
  public static Policy readParameters(ModelConfig config, Device device, DataInputStream in) throws IOException {
    Policy policy = create(config, device, 0);
    try {
      policy.block.loadParameters(policy.parameterManager(), in);
    } catch (MalformedModelException | RuntimeException e) {
      policy.close();
      throw new IOException("cannot read policy parameters (model sizes must match the saved run): " + e.getMessage(), e);
    }
    return policy;
  }

  /** Writes the parameters to {@code dir} (DJL's params format, {@code policy-NNNN.params}). */
  public void save(Path dir, long step) throws IOException {
    Files.createDirectories(dir);
    model.setProperty("Epoch", Long.toString(step));
    model.save(dir, PREFIX);
  }

  /**
   * Loads the newest parameters saved in {@code dir} into a policy of the same sizes.
   *
   * @throws IOException when {@code dir} holds no readable checkpoint or its sizes differ
   */
  public static Policy load(ModelConfig config, Device device, Path dir) throws IOException {
    Policy policy = create(config, device, 0);
    try {
      policy.model.load(dir, PREFIX);
      policy.parameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
    } catch (MalformedModelException | RuntimeException e) {
      policy.close();
      throw new IOException("cannot load checkpoint from " + dir + " (model sizes must match the saved run): " + e.getMessage(), e);
    }
    return policy;
  }

  @Override
  public void close() {
    model.close();
  }
}
