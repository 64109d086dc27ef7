"""Writes frontend/src/test/resources/goldens/second_order_names.json: the grad_fn name PyTorch 1.13 gives the
gradient of x computed with create_graph=True through common layers and losses, and the names of that node's
next functions (None for an undefined edge, AccumulateGrad for a leaf).

Run from the repository root:  /usr/bin/python3 tools/goldens/second_order_names.py
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "second_order_names.json")


def main():
    torch.manual_seed(0)
    x = torch.randn(3, 4, requires_grad=True)
    t = torch.tensor([1, 0, 3])
    y = torch.randn(3, 4)
    p = torch.rand(3, 4)
    cases = {
        "log_softmax": lambda: F.log_softmax(x, 1),
        "softmax": lambda: F.softmax(x, 1),
        "nll_loss": lambda: F.nll_loss(F.log_softmax(x, 1), t),
        "cross_entropy": lambda: F.cross_entropy(x, t),
        "binary_cross_entropy": lambda: F.binary_cross_entropy(torch.sigmoid(x), p),
        "l1_loss": lambda: F.l1_loss(x, y),
        "mse_loss": lambda: F.mse_loss(x, y),
        "leaky_relu": lambda: F.leaky_relu(x),
    }
    out = {}
    for name, f in cases.items():
        r = f()
        g, = torch.autograd.grad(r.sum() if r.dim() else r, x, create_graph=True)
        out[name] = {"name": g.grad_fn.name(),
                     "next": [n.name() if n is not None else None for n, _ in g.grad_fn.next_functions]}
    with open(OUT, "w") as fh:
        json.dump({"torch": torch.__version__, "cases": out}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
