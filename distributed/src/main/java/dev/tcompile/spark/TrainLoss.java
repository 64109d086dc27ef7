package dev.tcompile.spark;

import dev.tcompile.LossFn;
import java.io.Serializable;

/**
 * The loss of a batch, shipped to the executors: {@code (out, target) -> F.nllLoss(out, target)}. It must be a
 * mean over the batch (PyTorch's default reduction), which is what makes the averaged shard gradients equal the
 * gradient of the global batch.
 */
@FunctionalInterface
public interface TrainLoss extends LossFn, Serializable {}
