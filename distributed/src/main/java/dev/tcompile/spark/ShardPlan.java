package dev.tcompile.spark;

import java.io.Serializable;
import java.util.Random;

/**
 * Which replica trains on which row. Rows are numbered in the data set's order; global batch b is rows
 * {@code [b*B, (b+1)*B)} and replica r's share of it is the r-th slice of {@code B / replicas} rows, so the
 * replicas' shards, concatenated in rank order, are exactly the batch one process would take. Rows after the
 * last full global batch are dropped (DataLoader's {@code drop_last=True}).
 */
public record ShardPlan(int replicas, int globalBatch, int stepsPerEpoch) implements Serializable {
  /** Rows per replica per step. */
  public int perReplica() { return globalBatch / replicas; }

  /** Rows each replica holds: its slice of every global batch of an epoch. */
  public int shardRows() { return stepsPerEpoch * perReplica(); }

  /** The replica that trains on row {@code index}, or -1 for a dropped row. */
  public int rankOf(long index) {
    if (index >= (long) stepsPerEpoch * globalBatch) return -1;
    return (int) (index % globalBatch) / perReplica();
  }

  /** Where row {@code index} sits in its replica's shard: global batch b's slice starts at {@code b * perReplica()}. */
  public int positionInShard(long index) {
    return (int) (index / globalBatch) * perReplica() + (int) (index % globalBatch) % perReplica();
  }

  /**
   * The order in which an epoch visits its global batches: 0, 1, 2, ... or, when shuffling, a permutation drawn
   * from {@code seed} and the epoch (the same on every replica, and what a one-process run must use to compare).
   */
  public int[] batchOrder(long epoch, boolean shuffle, long seed) {
    int[] order = new int[stepsPerEpoch];
    for (int i = 0; i < order.length; i++) order[i] = i;
    if (!shuffle) return order;
    Random random = new Random(seed * 1_000_003L + epoch);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
