// The seed tutorial's sections 3 and 4 in Java: nn and nn.functional, torchvision's MNIST with transforms and a
// DataLoader, the figures, and the layers (Conv2d, pooling, Linear, softmax, ReLU). It prints what the Python
// prints (tools/goldens/seed_layers.py; examples/NnLayers.expected is its output) and saves the figures the
// tutorial shows as PNG files. Run it with:  ./tcompile run examples/NnLayers.java [figure-directory]
//
// As in the Python script, torch.manual_seed(0) comes first: tcompile's generator is PyTorch's, so the same seed
// gives the same weights, inputs and shuffled batch, and therefore the same printed numbers.

import dev.tcompile.Device;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.data.Batch;
import dev.tcompile.data.DataLoader;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.vision.MNIST;
import dev.tcompile.vision.Plot;
import dev.tcompile.vision.Transforms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

public class NnLayers {
  public static void main(String[] args) {
    Path figures = Path.of(args.length > 0 ? args[0] : "figures");
    try { Files.createDirectories(figures); } catch (IOException e) { throw new UncheckedIOException(e); }
    Torch.manualSeed(0);
    Device device = Device.CPU;

    // 3) nn & nn.functional -- nn
    Conv2d m1 = new Conv2d(16, 33, 3, 2);
    Conv2d m2 = new Conv2d(16, 33, 3, 2);
    Conv2d m3 = new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2});
    Conv2d m4 = new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}, new int[]{3, 1});
    Tensor inp = Torch.randn(20, 16, 50, 100);
    Tensor out1 = m1.forward(inp), out2 = m2.forward(inp), out3 = m3.forward(inp), out4 = m4.forward(inp);
    Torch.print(out1.size());
    Torch.print(out2.size());
    Torch.print(out3.size());
    Torch.print(out4.size());

    Conv2d m = new Conv2d(16, 33, 3, 2);
    m = new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2});
    m = new Conv2d(16, 33, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}, new int[]{3, 1});
    Tensor input = Torch.randn(20, 16, 50, 100);
    Tensor output = m.forward(input);

    // nn.functional
    Tensor filters = Torch.randn(8, 4, 3, 3);
    Tensor inputs = Torch.randn(1, 4, 5, 5);
    Tensor conv = F.conv2d(inputs, filters, null, 1, 1, 1, 1);
    Torch.print(conv.shape());

    // utils.data: the bundled sample is already in data/MNIST/raw, so download=true downloads nothing
    var transform = Transforms.compose(Transforms.toTensor(), Transforms.normalize(new double[]{0.1307}, new double[]{0.3081}));
    MNIST trainset = new MNIST("data", true, true, transform);
    MNIST testset = new MNIST("data", false, true, transform);
    DataLoader trainLoader = new DataLoader(trainset, 32, true, 2);
    DataLoader testLoader = new DataLoader(testset, 32, false, 2);

    Batch batch = trainLoader.iterator().next();
    Tensor images = batch.inputs(), labels = batch.labels();
    Torch.print(images.size());
    Torch.print(labels.size());

    Tensor torchImage = images.select(0, 0).squeeze();
    Torch.print(torchImage.shape());
    Tensor image = torchImage;                        // .numpy(): the same values
    Torch.print(image.shapeArray());                  // a NumPy shape prints as a tuple
    long label = labels.select(0, 0).toLongArray()[0];
    Torch.print(new int[0]);                          // label.shape: a 0-d array
    Torch.print(label);
    Plot.title(String.valueOf(label));
    Plot.imshow(image, "gray");
    Plot.savefig(figures.resolve("digit.png"));
    Plot.close();

    // 4) layers
    Torch.print(new Conv2d(1, 20, 5, 1));
    Conv2d layer = (Conv2d) new Conv2d(1, 20, 5, 1).to(Device.of("cpu"));
    Torch.print(layer);
    Tensor weight = layer.weight();
    Torch.print(weight.shape());
    weight = weight.detach();
    Torch.print(weight.shapeArray());
    Plot.imshow(weight.select(0, 0).select(0, 0), "jet");
    Plot.colorbar();
    Plot.savefig(figures.resolve("weight.png"));
    Plot.close();

    Torch.print(images.shape());
    Tensor inputImage = images.select(0, 0).unsqueeze(0);
    Tensor outputData = layer.forward(inputImage);
    Tensor out = outputData.data();
    Torch.print(out.shapeArray());

    Plot.figure(15, 30);
    Plot.subplot(131);
    Plot.title("Input");
    Plot.imshow(image, "gray");
    Plot.subplot(132);
    Plot.title("Weight");
    Plot.imshow(weight.select(0, 0).select(0, 0), "jet");
    Plot.subplot(133);
    Plot.title("Output");
    Plot.imshow(out.select(0, 0).select(0, 0), "gray");
    Plot.savefig(figures.resolve("input_weight_output.png"));
    Plot.close();

    // pooling
    Torch.print(image.shapeArray());
    Tensor pool = F.maxPool2d(out, 2, 2);
    Torch.print(pool.shape());
    Torch.print(pool.shapeArray());
    Plot.figure(10, 15);
    Plot.subplot(121);
    Plot.title("Input");
    Plot.imshow(image, "gray");
    Plot.subplot(122);
    Plot.title("Output");
    Plot.imshow(pool.select(0, 0).select(0, 0), "gray");
    Plot.savefig(figures.resolve("pooling.png"));
    Plot.close();

    // linear
    Torch.print(image.shape());
    Tensor flatten = image.view(1, 28 * 28);
    Torch.print(flatten.shape());
    Tensor lin = new Linear(784, 10).forward(flatten);
    Torch.print(lin.shape());
    Torch.print(lin);
    Plot.imshow(lin.detach(), "jet");
    Plot.colorbar();
    Plot.savefig(figures.resolve("linear.png"));
    Plot.close();

    // softmax
    Tensor softmax;
    try (var noGrad = Torch.noGrad()) {
      flatten = image.view(1, 28 * 28);
      lin = new Linear(784, 10).forward(flatten);
      softmax = F.softmax(lin, 1);
    }
    Torch.print(softmax);
    Torch.print(numpySum(softmax.toFloatArray()));

    // relu
    inputs = Torch.randn(4, 3, 28, 28).to(device);
    Torch.print(inputs.shape());
    layer = (Conv2d) new Conv2d(3, 20, 5, 1).to(device);
    Tensor relu = F.relu(layer.forward(inputs));
    Torch.print(relu.shape());
  }

  /** np.sum of a float32 array: NumPy's pairwise summation (8 accumulators below 128 elements), in float32. */
  static float numpySum(float[] a) {
    if (a.length < 8) {
      float s = 0f;
      for (float v : a) s += v;
      return s;
    }
    float[] r = new float[8];
    System.arraycopy(a, 0, r, 0, 8);
    int i = 8;
    for (; i + 8 <= a.length; i += 8) for (int k = 0; k < 8; k++) r[k] += a[i + k];
    float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < a.length; i++) s += a[i];
    return s;
  }
}
