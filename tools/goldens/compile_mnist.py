"""Golden for the compiled MNIST CNN: PyTorch 1.13's loss and gradients for the classic CNN on 16 real images.

Run from the repository root with /usr/bin/python3. Writes
frontend/src/test/resources/goldens/compile/mnist_cnn.safetensors holding the weights (state_dict names),
the input batch ("input", normalised as the seed normalises), the labels ("target"), the loss ("loss") and
the gradient of every parameter ("grad/<name>").
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from nn import write_safetensors  # noqa: E402  (the hand-written safetensors writer)

RAW = os.path.join("data", "MNIST", "raw")
OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "compile", "mnist_cnn.safetensors")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5, 1)
        self.conv2 = nn.Conv2d(20, 50, 5, 1)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = x.view(-1, 800)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def main():
    images = np.frombuffer(gzip.open(os.path.join(RAW, "train-images-idx3-ubyte.gz")).read()[16:], dtype=np.uint8)
    labels = np.frombuffer(gzip.open(os.path.join(RAW, "train-labels-idx1-ubyte.gz")).read()[8:], dtype=np.uint8)
    n = 16
    x = torch.tensor(images[: n * 784].reshape(n, 1, 28, 28), dtype=torch.float32) / 255.0
    x = (x - 0.1307) / 0.3081
    y = torch.tensor(labels[:n].astype(np.int64))
    torch.manual_seed(0)
    net = Net()
    loss = F.nll_loss(net(x), y)
    loss.backward()
    tensors = {k: v.detach() for k, v in net.state_dict().items()}
    tensors["input"] = x
    tensors["target"] = y
    tensors["loss"] = loss.detach()
    for k, p in net.named_parameters():
        tensors["grad/" + k] = p.grad
    write_safetensors(OUT, tensors)
    print("wrote", OUT, "loss", loss.item())


if __name__ == "__main__":
    main()
