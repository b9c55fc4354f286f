package dev.entropysentinel.trainer.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Loads the PyTorch engine with explicit thread counts. libtorch reads them once, when the engine
 * loads, so they are set as system properties before the first use (unless the user set them).
 */
public final class Engines {
  public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private Engines() {}

  /** The PyTorch engine, intra-op threads {@code threads} and one inter-op thread (djl.md). */
  public static Engine pytorch(int threads) {
    if (System.getProperty(NUM_THREADS) == null) {
      System.setProperty(NUM_THREADS, Integer.toString(threads));
    }
    if (System.getProperty(NUM_INTEROP_THREADS) == null) {
      System.setProperty(NUM_INTEROP_THREADS, "1");
    }
    return Engine.getEngine("PyTorch");
  }

  /**
   * The device for {@code gpu}: a CUDA device needs DJL's CUDA build of libtorch on the class path
   * (pytorch-native-cu*), which this project does not ship; CPU otherwise.
   *
   * @throws IllegalArgumentException when a GPU is asked for and the engine sees none
   */
  public static Device device(Engine engine, boolean gpu) {
    if (!gpu) {
      return Device.cpu();
    }
    if (engine.getGpuCount() == 0) {
      throw new IllegalArgumentException("--device gpu needs DJL's CUDA build of PyTorch (pytorch-native-cu*) and a "
          + "visible CUDA device; none found, use --device cpu");
    }
    return Device.gpu();
  }
}
