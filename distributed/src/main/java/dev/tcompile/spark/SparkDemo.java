package dev.tcompile.spark;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.F;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.MNIST;
import dev.tcompile.vision.Sample;
import dev.tcompile.vision.Transforms;
import dev.tcompile.vision.Transform;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The MNIST CNN trained data-parallel on Spark, then tested on the driver:
 * {@code distributed/spark-demo --master local[2] --replicas 2}. Options: {@code --master} (default local[2]),
 * {@code --replicas} (default: the master's cores), {@code --batch} global batch (64), {@code --epochs} (1),
 * {@code --steps} (all of the epochs), {@code --lr} (0.01), {@code --momentum} (0.5), {@code --data} (the folder
 * holding MNIST/raw, default data), {@code --checkpoint} folder (none).
 */
public final class SparkDemo {
  private SparkDemo() {}

  public static void main(String[] args) {
    String master = "local[2]", data = "data", checkpoint = null;
    int replicas = 0, batch = 64, epochs = 1;
    long steps = Long.MAX_VALUE;
    double lr = 0.01, momentum = 0.5;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--master" -> master = value;
        case "--replicas" -> replicas = Integer.parseInt(value);
        case "--batch" -> batch = Integer.parseInt(value);
        case "--epochs" -> epochs = Integer.parseInt(value);
        case "--steps" -> steps = Long.parseLong(value);
        case "--lr" -> lr = Double.parseDouble(value);
        case "--momentum" -> momentum = Double.parseDouble(value);
        case "--data" -> data = value;
        case "--checkpoint" -> checkpoint = value;
        default -> throw new TorchException("spark-demo: unknown option " + args[i]);
      }
      if (value == null) throw new TorchException("spark-demo: " + args[i] + " needs a value");
      i++;
    }
    Transform transform = Transforms.compose(Transforms.toTensor(), Transforms.normalize(new double[]{0.1307}, new double[]{0.3081}));
    MNIST train = new MNIST(data, true, false, transform), test = new MNIST(data, false, false, transform);
    List<Example> rows = new ArrayList<>(train.size());
    for (int i = 0; i < train.size(); i++) {
      Sample s = train.get(i);
      rows.add(new Example(s.image().contiguous().toFloatArray(), s.label()));
    }
    SparkConf conf = new SparkConf().setMaster(master).setAppName("tcompile-spark-demo").setIfMissing("spark.ui.enabled", "false");
    // in local mode every replica is on this machine: keep the driver and the gradient ring on the loopback
    if (master.startsWith("local")) conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      if (replicas == 0) replicas = sc.defaultParallelism();
      double lrFinal = lr, momentumFinal = momentum;
      SparkTrainer trainer = new SparkTrainer(MnistNet::new, (out, t) -> F.nllLoss(out, t), ps -> new SGD(ps, lrFinal, momentumFinal))
          .replicas(replicas).globalBatchSize(batch).epochs(epochs).maxSteps(steps).inputShape(1, 28, 28).shuffleBatches(true);
      if (checkpoint != null) trainer.checkpointDir(Path.of(checkpoint)).checkpointEvery(50);
      System.out.printf("MNIST from %s: %d training digits on %s, %d replicas, global batch %d, SGD(lr=%s, momentum=%s)%n",
          data, rows.size(), master, replicas, batch, lr, momentum);
      long t0 = System.nanoTime();
      TrainResult r = trainer.fit(sc.parallelize(rows, Math.max(replicas, sc.defaultParallelism())));
      double total = (System.nanoTime() - t0) / 1e9;
      float[] losses = r.losses();
      System.out.printf("%d steps: loss %.4f -> %.4f%n", losses.length, losses[0], losses[losses.length - 1]);
      System.out.printf("training loop %.2f s on rank 0 (%.0f images/s), all-reduce %.2f ms/step, fit() %.2f s with Spark's setup%n",
          r.seconds(), r.imagesPerSecond(), r.allReduceMillisPerStep(), total);
      MnistNet net = new MnistNet();
      net.loadStateDict(r.stateDict(), true);
      net.eval();
      System.out.printf("test accuracy on %d digits: %.1f%%%n", test.size(), 100.0 * correct(net, test) / test.size());
    }
  }

  private static int correct(MnistNet net, MNIST test) {
    int right = 0;
    try (var g = Torch.noGrad()) {
      for (int from = 0; from < test.size(); from += 500) {
        int n = Math.min(500, test.size() - from);
        float[] x = new float[n * 784];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
          Sample s = test.get(from + i);
          System.arraycopy(s.image().contiguous().toFloatArray(), 0, x, i * 784, 784);
          y[i] = s.label();
        }
        Tensor predicted = net.forward(Torch.fromArray(x, n, 1, 28, 28)).argmax(1);
        right += (int) predicted.eq(Torch.fromArray(y, n)).sum().item();
      }
    }
    return right;
  }
}
