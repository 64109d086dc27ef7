package dev.tcompile.spark;

import java.io.Serializable;

/**
 * Called on every replica after each optimiser step (global step numbers start at 1), with the mean loss of the
 * global batch, which is the same on every replica. An exception thrown here fails the replica's task, and with it
 * the barrier stage, as a lost executor would.
 */
@FunctionalInterface
public interface StepListener extends Serializable {
  void afterStep(int rank, long step, float globalLoss);
}
