package dev.tcompile.spark;

import java.io.Serializable;

/**
 * What one replica tells the driver when it finishes: which attempt of the barrier stage it ran in and from which
 * step it started (above 0 after resuming from a checkpoint), a SHA-256 of its final parameters' bits, rank 0's
 * final state dict, the global losses of the steps it ran, and where its time went.
 */
public record ReplicaReport(int rank, int stageAttempt, long startStep, long endStep, String parameterSha256,
                            byte[] finalState, float[] losses, long loopNanos, long allReduceNanos) implements Serializable {}
