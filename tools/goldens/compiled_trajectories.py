"""Goldens for whole compiled train steps: PyTorch 1.13 trajectories of 50 optimiser steps.

Run from the repository root with /usr/bin/python3. Writes
frontend/src/test/resources/goldens/compile/trajectories.safetensors holding, for the classic MNIST CNN and a
784-64-10 MLP: the initial weights ("<model>/init/<name>"), 64 real digits ("input", normalised as the seed
does) and labels ("target"), and for each optimiser the loss of every step ("<model>/<opt>/loss") and the final
weights ("<model>/<opt>/final/<name>"; of the CNN's fc1.weight only the first 20 rows, "fc1.weight[:20]"). Each step trains on one of four batches of 16, in turn.
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from compile_mnist import Net, RAW  # noqa: E402
from nn import write_safetensors  # noqa: E402

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "compile", "trajectories.safetensors")
STEPS, BATCH = 50, 16

OPTIMISERS = {
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.5),
    "sgd_nesterov_wd": lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
    "adam_amsgrad_wd": lambda p: torch.optim.Adam(p, lr=1e-3, amsgrad=True, weight_decay=1e-2),
}


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10), nn.LogSoftmax(dim=1))


def main():
    torch.set_num_threads(1)
    images = np.frombuffer(gzip.open(os.path.join(RAW, "train-images-idx3-ubyte.gz")).read()[16:], dtype=np.uint8)
    labels = np.frombuffer(gzip.open(os.path.join(RAW, "train-labels-idx1-ubyte.gz")).read()[8:], dtype=np.uint8)
    n = 4 * BATCH
    x = torch.tensor(images[: n * 784].reshape(n, 1, 28, 28), dtype=torch.float32) / 255.0
    x = (x - 0.1307) / 0.3081
    y = torch.tensor(labels[:n].astype(np.int64))
    tensors = {"input": x, "target": y}
    for name, make in (("mnist", Net), ("mlp", mlp)):
        torch.manual_seed(0)
        init = {k: v.clone() for k, v in make().state_dict().items()}
        for k, v in init.items():
            tensors[name + "/init/" + k] = v
        for opt_name, opt_of in OPTIMISERS.items():
            model = make()
            model.load_state_dict(init)
            opt = opt_of(model.parameters())
            losses = []
            for s in range(STEPS):
                b = s % 4
                xb, yb = x[b * BATCH:(b + 1) * BATCH], y[b * BATCH:(b + 1) * BATCH]
                opt.zero_grad()
                loss = F.nll_loss(model(xb), yb)
                loss.backward()
                opt.step()
                losses.append(loss.item())
            tensors[name + "/" + opt_name + "/loss"] = torch.tensor(losses, dtype=torch.float32)
            for k, v in model.state_dict().items():
                if k == "fc1.weight":
                    k, v = "fc1.weight[:20]", v[:20]   # its first 20 rows: the whole matrix would be 1.6 MB per optimiser
                tensors[name + "/" + opt_name + "/final/" + k] = v.detach().clone()
            print(name, opt_name, "loss", losses[0], "->", losses[-1])
    write_safetensors(OUT, tensors)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
