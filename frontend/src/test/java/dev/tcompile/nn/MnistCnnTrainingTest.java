package dev.tcompile.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.models.MnistNet;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The seed's classic MNIST CNN trained eagerly as the PyTorch tutorial trains it: SGD(lr=0.01, momentum=0.5),
 * log_softmax + NLL, 200 steps of 64 images from the bundled 8000-image sample; it must reach over 90% on
 * the 2000 test images. Under {@code manualSeed(0)} the initial weights and the batch order are PyTorch's own
 * under {@code torch.manual_seed(0)}, so the first losses are PyTorch's (tools/goldens/nn.py runs the same
 * loop). The IDX files are read here directly.
 */
class MnistCnnTrainingTest {
  private static final double MEAN = 0.1307, STD = 0.3081;

  private static Path raw() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path r = p.resolve("data/MNIST/raw");
      if (Files.isDirectory(r)) return r;
    }
    throw new IllegalStateException("data/MNIST/raw not found above " + Path.of("").toAbsolutePath());
  }

  /** IDX images as float32 [n, 1, 28, 28], normalised as the seed's transform does. */
  static Tensor images(String file) throws IOException {
    try (DataInputStream in = idx(file, 2051)) {
      int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
      byte[] px = in.readNBytes(n * rows * cols);
      float[] v = new float[px.length];
      for (int i = 0; i < v.length; i++) v[i] = (float) (((px[i] & 0xff) / 255f - MEAN) / STD);
      return Torch.fromArray(v, n, 1, rows, cols);
    }
  }

  static Tensor labels(String file) throws IOException {
    try (DataInputStream in = idx(file, 2049)) {
      int n = in.readInt();
      byte[] b = in.readNBytes(n);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) v[i] = b[i] & 0xff;
      return Torch.fromArray(v, n);
    }
  }

  private static DataInputStream idx(String file, int magic) throws IOException {
    InputStream raw = Files.newInputStream(raw().resolve(file));
    DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
    int m = in.readInt();
    if (m != magic) throw new IOException(file + ": magic " + m + ", expected " + magic);
    return in;
  }

  @Test
  void trainsToOverNinetyPercent() throws IOException {
    Tensor trainX = images("train-images-idx3-ubyte.gz"), trainY = labels("train-labels-idx1-ubyte.gz");
    Tensor testX = images("t10k-images-idx3-ubyte.gz"), testY = labels("t10k-labels-idx1-ubyte.gz");
    // This budget (1.6 epochs of the sample) is short: PyTorch's own run of this loop ends between 89.0% and 91.6%
    // over seeds 0-4. Seed 0 is PyTorch's recorded run (91.3%).
    Torch.manualSeed(0);
    MnistNet model = new MnistNet();
    SGD optimizer = new SGD(model.parameters(), 0.01, 0.5);
    long start = System.nanoTime();
    model.train();
    Tensor order = Torch.randperm(trainX.size(0));
    int batch = 64;
    float firstLoss = 0, lastLoss = 0;
    var pytorch = NnGoldens.json().getAsJsonObject("mnist");
    for (int step = 0; step < 200; step++) {
      int from = (step * batch) % (trainX.size(0) - batch + 1);
      Tensor idx = order.narrow(0, from, batch);
      Tensor x = trainX.indexSelect(0, idx), y = trainY.indexSelect(0, idx);
      optimizer.zeroGrad();
      Tensor loss = F.nllLoss(model.forward(x), y);
      loss.backward();
      optimizer.step();
      if (step == 0) firstLoss = loss.item();
      if (step < 5) assertEquals(pytorch.getAsJsonArray("first_losses").get(step).getAsDouble(), loss.item(), 2e-5, "loss at step " + step);
      lastLoss = loss.item();
    }
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    model.eval();
    long correct = 0;
    try (var g = Torch.noGrad()) {
      for (int i = 0; i < testX.size(0); i += 500) {
        int n = Math.min(500, testX.size(0) - i);
        Tensor pred = model.forward(testX.narrow(0, i, n)).argmax(1);
        correct += (long) pred.eq(testY.narrow(0, i, n)).sum().item();
      }
    }
    double accuracy = 100.0 * correct / testX.size(0);
    System.out.printf("MNIST CNN: loss %.4f -> %.4f (PyTorch %.4f), test accuracy %.2f%% (%d/%d; PyTorch %d), 200 steps in %.1f s%n",
        firstLoss, lastLoss, pytorch.get("last_loss").getAsDouble(), accuracy, correct, testX.size(0), pytorch.get("correct").getAsInt(),
        trainSeconds);
    assertTrue(lastLoss < firstLoss, "loss must fall");
    assertTrue(accuracy > 90, "test accuracy " + accuracy + "%");
  }
}
