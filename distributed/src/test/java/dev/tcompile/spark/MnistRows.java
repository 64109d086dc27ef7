package dev.tcompile.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Module;
import dev.tcompile.optim.Optimizer;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.MNIST;
import dev.tcompile.vision.Sample;
import dev.tcompile.vision.Transforms;
import dev.tcompile.vision.models.MnistNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The shared fixture: the bundled MNIST digits as rows, the trainer under test, and the one-process reference. */
final class MnistRows {
  private MnistRows() {}

  static final int GLOBAL_BATCH = 32, STEPS = 20;
  static final double LR = 0.01, MOMENTUM = 0.5;

  /** The first {@code STEPS * GLOBAL_BATCH} training digits, normalised as the demo does. */
  static final List<Example> ROWS = load(STEPS * GLOBAL_BATCH);

  private static List<Example> load(int count) {
    var transform = Transforms.compose(Transforms.toTensor(), Transforms.normalize(new double[]{0.1307}, new double[]{0.3081}));
    MNIST train = new MNIST("../data", true, false, transform);
    List<Example> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Sample s = train.get(i);
      rows.add(new Example(s.image().contiguous().toFloatArray(), s.label()));
    }
    return rows;
  }

  static JavaSparkContext context(String master) {
    return new JavaSparkContext(new SparkConf().setMaster(master).setAppName("tcompile-spark-test")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
  }

  static SparkTrainer trainer(int replicas) {
    return new SparkTrainer(MnistNet::new, (out, t) -> F.nllLoss(out, t), ps -> new SGD(ps, LR, MOMENTUM))
        .replicas(replicas).globalBatchSize(GLOBAL_BATCH).maxSteps(STEPS).inputShape(1, 28, 28).seed(0);
  }

  /** One process, eager, over the same global batches: parameters and the loss of every step. */
  record Reference(Map<String, Tensor> stateDict, float[] losses) {}

  static final Reference REFERENCE = trainOneProcess();

  private static Reference trainOneProcess() {
    Torch.manualSeed(0);
    Module net = new MnistNet();
    Optimizer opt = new SGD(net.parameters(), LR, MOMENTUM);
    float[] losses = new float[STEPS];
    for (int s = 0; s < STEPS; s++) {
      float[] x = new float[GLOBAL_BATCH * 784];
      long[] y = new long[GLOBAL_BATCH];
      for (int i = 0; i < GLOBAL_BATCH; i++) {
        Example e = ROWS.get(s * GLOBAL_BATCH + i);
        System.arraycopy(e.features(), 0, x, i * 784, 784);
        y[i] = e.label();
      }
      opt.zeroGrad();
      Tensor loss = F.nllLoss(net.forward(Torch.fromArray(x, GLOBAL_BATCH, 1, 28, 28)), Torch.fromArray(y, GLOBAL_BATCH));
      loss.backward();
      opt.step();
      losses[s] = loss.item();
    }
    return new Reference(net.stateDict(), losses);
  }

  /** Float32 reassociation: the shard sums add the same terms in another order, over 20 steps of SGD. */
  static final double TOLERANCE = 2e-5;

  static void assertMatchesOneProcess(TrainResult r) {
    assertEquals(REFERENCE.stateDict().keySet(), r.stateDict().keySet());
    double worst = 0;
    for (var e : REFERENCE.stateDict().entrySet()) {
      float[] want = e.getValue().toFloatArray(), got = r.stateDict().get(e.getKey()).toFloatArray();
      assertArrayEquals(e.getValue().shapeArray(), r.stateDict().get(e.getKey()).shapeArray(), e.getKey());
      for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    assertTrue(worst <= TOLERANCE, "largest parameter difference from one process: " + worst);
    assertEquals(STEPS, r.losses().length);
    for (int s = 0; s < STEPS; s++)
      assertEquals(REFERENCE.losses()[s], r.losses()[s], 1e-5, "global loss at step " + (s + 1));
  }

  /** Every replica's parameters hash to the same bits. */
  static void assertReplicasIdentical(TrainResult r, int replicas) {
    assertEquals(replicas, r.replicas().size());
    for (ReplicaReport rep : r.replicas()) assertEquals(r.replicas().get(0).parameterSha256(), rep.parameterSha256(), "replica " + rep.rank());
  }
}
