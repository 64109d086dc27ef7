package dev.tcompile.spark;

import dev.tcompile.nn.Module;
import java.io.Serializable;

/**
 * Builds one replica of the model on an executor, e.g. {@code MnistNet::new}. Every replica is built after the
 * same {@code Torch.manualSeed}, and rank 0's parameters are broadcast to the others before training anyway.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
  Module create();
}
