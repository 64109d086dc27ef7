package dev.tcompile.spark;

import static dev.tcompile.spark.MnistRows.ROWS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Four replicas on local[4], each training on 8 of the 32 rows of a global batch. */
class FourReplicaTest {
  private static JavaSparkContext sc;

  @BeforeAll static void start() { sc = MnistRows.context("local[4]"); }

  @AfterAll static void stop() { if (sc != null) sc.close(); }

  @Test void fourReplicasTrainLikeOneProcessOnTheGlobalBatch() {
    TrainResult r = MnistRows.trainer(4).fit(sc.parallelize(ROWS, 5));
    MnistRows.assertReplicasIdentical(r, 4);
    MnistRows.assertMatchesOneProcess(r);
    assertEquals(1, r.attempts());
  }
}
