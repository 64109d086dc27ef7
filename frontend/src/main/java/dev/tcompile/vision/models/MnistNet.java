package dev.tcompile.vision.models;

import dev.tcompile.Tensor;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;

/**
 * The seed tutorial's classic MNIST CNN, ported line by line from its PyTorch definition: two 5x5 convolutions
 * with ReLU and 2x2 max pooling, then Linear(800, 500), ReLU, Linear(500, 10) and log-softmax. Its parameter names
 * ({@code conv1.weight}, ..., {@code fc2.bias}) are PyTorch's, so a PyTorch state dict loads as it is.
 */
public final class MnistNet extends Module {
  private final Conv2d conv1 = register("conv1", new Conv2d(1, 20, 5, 1));
  private final Conv2d conv2 = register("conv2", new Conv2d(20, 50, 5, 1));
  private final Linear fc1 = register("fc1", new Linear(4 * 4 * 50, 500));
  private final Linear fc2 = register("fc2", new Linear(500, 10));

  @Override public Tensor forward(Tensor x) {
    x = F.maxPool2d(F.relu(conv1.forward(x)), 2, 2);
    x = F.maxPool2d(F.relu(conv2.forward(x)), 2, 2);
    x = F.relu(fc1.forward(x.view(-1, 4 * 4 * 50)));
    return F.logSoftmax(fc2.forward(x), 1);
  }

  /** The first convolution (the layer the seed's figures show). */
  public Conv2d conv1() { return conv1; }
}
