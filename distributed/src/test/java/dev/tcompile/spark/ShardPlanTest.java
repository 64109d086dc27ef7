package dev.tcompile.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
  private final ShardPlan plan = new ShardPlan(4, 8, 3);  // 2 rows per replica per step, 24 rows used

  @Test void replicaSlicesOfAGlobalBatchAreConsecutiveRowsInRankOrder() {
    int[] ranks = new int[26];
    for (int i = 0; i < ranks.length; i++) ranks[i] = plan.rankOf(i);
    assertArrayEquals(new int[]{0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3, -1, -1}, ranks);
  }

  @Test void eachShardHoldsItsSlicesBatchByBatch() {
    assertEquals(6, plan.shardRows());
    assertEquals(0, plan.positionInShard(2));   // batch 0, rank 1's first row
    assertEquals(1, plan.positionInShard(3));
    assertEquals(2, plan.positionInShard(10));  // batch 1, rank 1's first row
    assertEquals(5, plan.positionInShard(23));  // batch 2, rank 3's second row
  }

  @Test void batchOrderIsAPermutationFixedBySeedAndEpoch() {
    ShardPlan big = new ShardPlan(2, 4, 50);
    int[] a = big.batchOrder(0, true, 7), b = big.batchOrder(0, true, 7), c = big.batchOrder(1, true, 7);
    assertArrayEquals(a, b);
    assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    int[] sorted = a.clone();
    Arrays.sort(sorted);
    assertArrayEquals(big.batchOrder(0, false, 7), sorted);
  }
}
