package dev.tcompile.nn;

import dev.tcompile.Tensor;

/** The seed's MNIST CNN, ported line by line from its PyTorch definition. */
public class MnistNet extends Module {
  final Conv2d conv1 = register("conv1", new Conv2d(1, 20, 5, 1));
  final Conv2d conv2 = register("conv2", new Conv2d(20, 50, 5, 1));
  final Linear fc1 = register("fc1", new Linear(4 * 4 * 50, 500));
  final Linear fc2 = register("fc2", new Linear(500, 10));

  @Override public Tensor forward(Tensor x) {
    x = F.maxPool2d(F.relu(conv1.forward(x)), 2, 2);
    x = F.maxPool2d(F.relu(conv2.forward(x)), 2, 2);
    x = F.relu(fc1.forward(x.view(-1, 4 * 4 * 50)));
    return F.logSoftmax(fc2.forward(x), 1);
  }
}
