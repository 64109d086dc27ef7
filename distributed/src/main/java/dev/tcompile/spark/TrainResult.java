package dev.tcompile.spark;

import dev.tcompile.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link SparkTrainer#fit}: the trained state dict (rank 0's; the replicas were checked to be
 * bit-identical), the mean loss of every global batch of the last stage attempt, and every replica's report.
 *
 * @param attempts how many times the barrier stage ran (1 without failures)
 * @param resumedFromStep the checkpoint step the last attempt started from (0 for a fresh run)
 * @param seconds the training loop's wall time on rank 0 in the last attempt (setup excluded)
 * @param globalBatch rows per optimiser step over all replicas
 */
public record TrainResult(Map<String, Tensor> stateDict, float[] losses, List<ReplicaReport> replicas, int attempts,
                          long resumedFromStep, double seconds, int globalBatch) {
  /** Rows trained on per second in the last attempt (global batch times steps over the loop's wall time). */
  public double imagesPerSecond() {
    long steps = replicas.get(0).endStep() - resumedFromStep;
    return seconds == 0 ? 0 : steps * (double) globalBatch / seconds;
  }

  /**
   * Mean time per step in the all-reduce, in milliseconds, averaged over the replicas: copying the gradients out
   * and back, the ring's transfers and sums, and waiting for the slowest replica to reach the step.
   */
  public double allReduceMillisPerStep() {
    long steps = replicas.get(0).endStep() - resumedFromStep;
    double total = 0;
    for (ReplicaReport r : replicas) total += r.allReduceNanos();
    return steps == 0 ? 0 : total / replicas.size() / steps / 1e6;
  }
}
