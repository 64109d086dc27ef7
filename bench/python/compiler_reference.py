#!/usr/bin/env python3
"""PyTorch eager figures for the compiler benchmarks (bench/src/.../CompilerBench.java), same programs, same machine:
the tanh-GELU forward+backward over 1M floats, and the MNIST CNN train step (forward, nll loss, backward,
SGD(lr=0.01, momentum=0.5)) at batch 64 and 32, its inference (eval, no_grad) at batch 64, and the MLP
784-512-512-10 train step (cross entropy, the same SGD) at batch 64. Median of timed calls after a warm-up, over
--rounds rounds. Prints JSON: {"gelu": ms, "mnist": ms, "mnist32": ms, "mnist_infer": ms, "mlp": ms, "threads": n,
"torch": version}.
"""
import argparse, json, statistics, time

import torch
import torch.nn as nn
import torch.nn.functional as F

from mnist_net import MnistNet


def gelu_tanh(x):
    return x * 0.5 * (x * x * x * 0.044715 + x).mul(0.7978845608028654).tanh().add(1)


def timed(fn, rounds, reps):
    samples = []
    for _ in range(rounds):
        t_end = time.perf_counter() + 1.0
        while time.perf_counter() < t_end:
            fn()
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(1 << 20, requires_grad=True)

    def gelu_step():
        gelu_tanh(x).sum().backward()
        x.grad = None

    net = MnistNet()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
    images, labels = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))

    def mnist_step():
        opt.zero_grad()
        F.nll_loss(net(images), labels).backward()
        opt.step()

    def sgd_step(model, loss_fn, x, y):
        o = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)

        def step():
            o.zero_grad()
            loss_fn(model(x), y).backward()
            o.step()
        return step

    torch.manual_seed(0)
    mnist32_step = sgd_step(MnistNet(), F.nll_loss, torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,)))
    infer_net = MnistNet().eval()
    infer_images = torch.randn(64, 1, 28, 28)

    def mnist_infer():
        with torch.no_grad():
            infer_net(infer_images)

    mlp_step = sgd_step(nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)),
                        F.cross_entropy, torch.randn(64, 784), torch.randint(0, 10, (64,)))
    print(json.dumps({"gelu": timed(gelu_step, a.rounds, a.reps), "mnist": timed(mnist_step, a.rounds, a.reps),
                      "mnist32": timed(mnist32_step, a.rounds, a.reps), "mnist_infer": timed(mnist_infer, a.rounds, a.reps),
                      "mlp": timed(mlp_step, a.rounds, a.reps), "threads": a.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
