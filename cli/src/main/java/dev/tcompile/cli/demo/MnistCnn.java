package dev.tcompile.cli.demo;

import dev.tcompile.Tensor;
import dev.tcompile.nn.Conv2d;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Linear;
import dev.tcompile.nn.Module;

/** The seed's classic MNIST CNN: two 5x5 convolutions with max pooling, two linear layers, log-softmax. */
public final class MnistCnn extends Module {
  final Conv2d conv1 = register("conv1", new Conv2d(1, 20, 5, 1));
  final Conv2d conv2 = register("conv2", new Conv2d(20, 50, 5, 1));
  final Linear fc1 = register("fc1", new Linear(800, 500));
  final Linear fc2 = register("fc2", new Linear(500, 10));

  @Override public Tensor forward(Tensor x) {
    x = F.maxPool2d(F.relu(conv1.forward(x)), 2, 2);
    x = F.maxPool2d(F.relu(conv2.forward(x)), 2, 2);
    x = x.view(-1, 800);
    x = F.relu(fc1.forward(x));
    return F.logSoftmax(fc2.forward(x), 1);
  }
}
