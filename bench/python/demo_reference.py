#!/usr/bin/env python3
"""The `tcompile demo` training loop in PyTorch, for the README's side-by-side epoch times: the seed's MNIST CNN on
the bundled sample (data/MNIST/raw), normalised as the demo does, SGD(lr=0.01, momentum=0.5), batch 64, shuffled,
2 threads. Prints each epoch's wall time and images/s, and the test accuracy after the last epoch."""
import gzip, struct, sys, time

import numpy as np
import torch
import torch.nn.functional as F

from mnist_net import MnistNet


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def main():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    raw = "data/MNIST/raw/"
    norm = lambda a: (torch.from_numpy(a.astype(np.float32) / 255) - 0.1307) / 0.3081
    xs, ys = norm(idx(raw + "train-images-idx3-ubyte.gz")), torch.from_numpy(idx(raw + "train-labels-idx1-ubyte.gz").astype(np.int64))
    xt, yt = norm(idx(raw + "t10k-images-idx3-ubyte.gz")), torch.from_numpy(idx(raw + "t10k-labels-idx1-ubyte.gz").astype(np.int64))
    net = MnistNet()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        for idxs in torch.randperm(len(xs)).split(64):
            opt.zero_grad()
            F.nll_loss(net(xs[idxs]), ys[idxs]).backward()
            opt.step()
        s = time.perf_counter() - t0
        print(f"epoch {epoch}: {s:.1f} s ({len(xs) / s:.0f} images/s)")
    with torch.no_grad():
        acc = (net(xt).argmax(1) == yt).float().mean().item()
    print(f"test accuracy {100 * acc:.2f}%")


if __name__ == "__main__":
    main()
