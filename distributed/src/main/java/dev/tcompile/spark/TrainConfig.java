package dev.tcompile.spark;

import java.io.Serializable;

/** Everything a replica needs besides its rows, shipped with the barrier stage's closure. */
record TrainConfig(ModelFactory model, TrainLoss loss, OptimizerFactory optimizer, StepListener listener, int[] inputShape,
                   ShardPlan plan, long totalSteps, long seed, boolean shuffleBatches, String checkpointDir,
                   long checkpointEvery, long ringTimeoutMs) implements Serializable {}
