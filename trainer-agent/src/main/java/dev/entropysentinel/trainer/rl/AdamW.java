package dev.entropysentinel.trainer.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW with decoupled weight decay, the same fused native update DJL's {@code Optimizer.adamW()}
 * makes (one call per parameter), but with its state in our hands: DJL keeps the moments private,
 * so a checkpoint could not hold them and a resumed run restarted them from zero. Moments live in
 * their own manager, created once, so no step manager or parameter manager grows.
 *
 * <pre>
 *   t += 1;  m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
 *   w -= lr·(√(1-β2^t)/(1-β1^t) · m/(√v + ε) + λ·w)
 * </pre>
 */
final class AdamW implements AutoCloseable {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-8f;
  private static final int FORMAT = 1;

  private final List<Pair<String, Parameter>> parameters;
  private final float weightDecay;
  private final NDManager manager;
  private final NDArray[] means;
  private final NDArray[] variances;
  private int updates;

  AdamW(List<Pair<String, Parameter>> parameters, double weightDecay) {
    this.parameters = List.copyOf(parameters);
    this.weightDecay = (float) weightDecay;
    NDArray first = parameters.get(0).getValue().getArray();
    this.manager = NDManager.newBaseManager(first.getDevice());
    this.means = new NDArray[parameters.size()];
    this.variances = new NDArray[parameters.size()];
    for (int i = 0; i < means.length; i++) {
      NDArray w = parameters.get(i).getValue().getArray();
      means[i] = manager.zeros(w.getShape(), w.getDataType());
      variances[i] = manager.zeros(w.getShape(), w.getDataType());
    }
  }

  /** One update of every parameter with {@code gradients} (same order as the parameters). */
  void update(List<NDArray> gradients, float learningRate) {
    updates++;
    double biasCorrection = Math.sqrt(1 - Math.pow(BETA2, updates)) / (1 - Math.pow(BETA1, updates));
    float corrected = (float) (learningRate * biasCorrection);
    for (int i = 0; i < means.length; i++) {
      NDArray w = parameters.get(i).getValue().getArray();
      w.getNDArrayInternal().adamUpdate(new NDList(w, gradients.get(i), means[i], variances[i]), new NDList(w),
          learningRate, corrected, weightDecay, 1f, -1f, BETA1, BETA2, EPSILON, true, true);
    }
  }

  /** Updates applied so far (the t of the bias correction). */
  int updates() {
    return updates;
  }

  /** Writes t and every moment, keyed by parameter name. */
  void save(DataOutputStream out) throws IOException {
    out.writeInt(FORMAT);
    out.writeInt(updates);
    out.writeInt(means.length);
    for (int i = 0; i < means.length; i++) {
      out.writeUTF(parameters.get(i).getKey());
      write(out, means[i]);
      write(out, variances[i]);
    }
  }

  /**
   * Restores what {@link #save} wrote.
   *
   * @throws IOException when the state belongs to another model (names or shapes differ)
   */
  void load(DataInputStream in) throws IOException {
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException("optimizer state format " + format + ", expected " + FORMAT);
    }
    int t = in.readInt();
    int n = in.readInt();
    if (n != means.length) {
      throw new IOException("optimizer state holds " + n + " parameters, the model has " + means.length);
    }
    List<NDArray[]> loaded = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      if (!name.equals(parameters.get(i).getKey())) {
        throw new IOException("optimizer state parameter " + i + " is " + name + ", the model's is " + parameters.get(i).getKey());
      }
      NDArray m = read(in);
      NDArray v = read(in);
      if (!m.getShape().equals(means[i].getShape()) || !v.getShape().equals(variances[i].getShape())) {
        throw new IOException("optimizer state of " + name + " has shape " + m.getShape() + ", the model's is " + means[i].getShape());
      }
      loaded.add(new NDArray[] {m, v});
    }
    for (int i = 0; i < n; i++) {
      means[i].close();
      variances[i].close();
      means[i] = loaded.get(i)[0];
      variances[i] = loaded.get(i)[1];
    }
    updates = t;
  }

  private static void write(DataOutputStream out, NDArray array) throws IOException {
    byte[] bytes = array.encode();
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private NDArray read(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return NDArray.decode(manager, bytes);
  }

  @Override
  public void close() {
    manager.close();
  }
}
