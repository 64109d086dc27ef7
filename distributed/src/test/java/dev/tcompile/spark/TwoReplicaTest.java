package dev.tcompile.spark;

import static dev.tcompile.spark.MnistRows.GLOBAL_BATCH;
import static dev.tcompile.spark.MnistRows.ROWS;
import static dev.tcompile.spark.MnistRows.STEPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.TorchException;
import dev.tcompile.nn.Safetensors;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two replicas on local[2]: same result as one process, bit-identical replicas, recovery from a failed task. */
class TwoReplicaTest {
  private static JavaSparkContext sc;
  private static TrainResult clean;

  @BeforeAll static void start() { sc = MnistRows.context("local[2]"); }

  @AfterAll static void stop() { if (sc != null) sc.close(); }

  private static synchronized TrainResult cleanRun() {
    if (clean == null) clean = MnistRows.trainer(2).fit(sc.parallelize(ROWS, 3));
    return clean;
  }

  @Test void twoReplicasTrainLikeOneProcessOnTheGlobalBatch() {
    TrainResult r = cleanRun();
    MnistRows.assertReplicasIdentical(r, 2);
    MnistRows.assertMatchesOneProcess(r);
    assertEquals(1, r.attempts());
    assertEquals(0, r.resumedFromStep());
  }

  /** Flipped by the first failure; static because local mode runs the tasks in this JVM. */
  static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

  @Test void aTaskFailingMidTrainingIsRetriedFromTheLastCheckpoint(@TempDir Path dir) {
    TrainResult r = MnistRows.trainer(2).checkpointDir(dir).checkpointEvery(5)
        .listener((rank, step, loss) -> {
          if (rank == 1 && step == 13 && FAILED_ONCE.compareAndSet(false, true))
            throw new IllegalStateException("injected failure of replica 1 after step 13");
        })
        .fit(sc.parallelize(ROWS, 3));
    assertTrue(FAILED_ONCE.get());
    assertEquals(2, r.attempts(), "the barrier stage ran again");
    assertEquals(10, r.resumedFromStep(), "the retry started from the step-10 checkpoint");
    assertEquals(STEPS - 10, r.losses().length);
    MnistRows.assertReplicasIdentical(r, 2);
    // Resuming restores parameters and momentum exactly: the same bits as the run that never failed.
    assertEquals(cleanRun().replicas().get(0).parameterSha256(), r.replicas().get(0).parameterSha256());
    for (int s = 5; s <= STEPS; s += 5) assertTrue(Files.isDirectory(dir.resolve(String.format("step-%08d", s))), "checkpoint " + s);
    MnistNet net = new MnistNet();
    net.loadStateDict(Safetensors.load(dir.resolve("step-00000020").resolve("model.safetensors")), true);
    net.stateDict().forEach((k, t) -> assertEquals(java.util.Arrays.toString(r.stateDict().get(k).toFloatArray()),
        java.util.Arrays.toString(t.toFloatArray()), k));
  }

  @Test void moreReplicasThanSlotsIsAClearError() {
    TorchException e = assertThrows(TorchException.class, () -> MnistRows.trainer(4).fit(sc.parallelize(ROWS, 2)));
    assertEquals("SparkTrainer: 4 replicas need 4 task slots at once (Spark barrier mode), but local[2] has 2; "
        + "use local[4] or at most 2 replicas", e.getMessage());
  }

  @Test void aGlobalBatchThatDoesNotSplitEvenlyIsRefused() {
    TorchException e = assertThrows(TorchException.class,
        () -> MnistRows.trainer(2).globalBatchSize(GLOBAL_BATCH + 1).fit(sc.parallelize(ROWS, 2)));
    assertEquals("SparkTrainer: the global batch size 33 is not divisible by 2 replicas", e.getMessage());
  }
}
