"""Writes frontend/src/test/resources/goldens/activation_backward.json: the bits of PyTorch 1.13's tanh_backward
and sigmoid_backward CPU kernels (what autograd computes through tanh and sigmoid) for fixed float32 outputs y and
incoming gradients g, 4099 of each (vector bodies and a scalar tail), with float32 bit patterns as integers.

Run from the repository root:  /usr/bin/python3 tools/goldens/activation_backward.py
"""
import json
import os

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "activation_backward.json")


def bits(t):
    return t.contiguous().view(torch.int32).reshape(-1).tolist()


def main():
    torch.manual_seed(0)
    n = 4099
    x = torch.randn(n) * 3
    g = torch.randn(n)
    y_tanh = torch.tanh(x)
    y_sig = torch.sigmoid(x)
    out = {
        "n": n,
        "g": bits(g),
        "tanh_y": bits(y_tanh),
        "tanh_backward": bits(torch.ops.aten.tanh_backward(g, y_tanh)),
        "sigmoid_y": bits(y_sig),
        "sigmoid_backward": bits(torch.ops.aten.sigmoid_backward(g, y_sig)),
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()
