package dev.tcompile.spark;

import static dev.tcompile.spark.MnistRows.ROWS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcompile.Torch;
import dev.tcompile.data.TensorDataset;
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
    // Through the Dataset entry point: a TensorDataset of the same rows, parallelised by the trainer.
    float[] x = new float[ROWS.size() * 784];
    long[] y = new long[ROWS.size()];
    for (int i = 0; i < ROWS.size(); i++) {
      System.arraycopy(ROWS.get(i).features(), 0, x, i * 784, 784);
      y[i] = ROWS.get(i).label();
    }
    TensorDataset data = new TensorDataset(Torch.fromArray(x, ROWS.size(), 1, 28, 28), Torch.fromArray(y, ROWS.size()));
    TrainResult r = MnistRows.trainer(4).fit(sc, data);
    MnistRows.assertReplicasIdentical(r, 4);
    MnistRows.assertMatchesOneProcess(r);
    assertEquals(1, r.attempts());
  }
}
