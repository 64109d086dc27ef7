"""Writes frontend/src/test/resources/goldens/create_graph.json: the grad_fn names (and values) PyTorch 1.13 gives
gradients built with create_graph=True — a leaf's .grad over successive backward calls with and without
create_graph, retain_grad on a non-leaf, a constant gradient, and torch.autograd.grad results.

Run from the repository root:  /usr/bin/python3 tools/goldens/create_graph.py
"""
import json
import os
import warnings

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "create_graph.json")
warnings.simplefilter("ignore")


def rec(t):
    return {"value": t.tolist(), "grad_fn": None if t.grad_fn is None else type(t.grad_fn).__name__,
            "requires_grad": t.requires_grad}


def main():
    R = {}
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seq = []
    (x * x).sum().backward(create_graph=True); seq.append(rec(x.grad))
    (x * x * x).sum().backward(create_graph=True); seq.append(rec(x.grad))
    (x * 3).sum().backward(); seq.append(rec(x.grad))
    (x * x).sum().backward(create_graph=True); seq.append(rec(x.grad))
    R["accumulate"] = seq
    # the gradient kept its history: differentiate it
    g = x.grad.sum()
    g.backward()
    R["accumulate_then_backward"] = rec(x.grad)

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward(create_graph=True)
    R["constant"] = rec(x.grad)
    (x * x).sum().backward(create_graph=True)
    R["constant_then_graph"] = rec(x.grad)

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    (h * h).sum().backward(create_graph=True)
    R["retain"] = {"h": rec(h.grad), "x": rec(x.grad)}
    (h * h).sum().backward(create_graph=True)
    R["retain_again"] = {"h": rec(h.grad), "x": rec(x.grad)}

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    cases = {
        "square": lambda: (x * x).sum(),
        "cube": lambda: (x * x * x).sum(),
        "const": lambda: (x * 3).sum(),
        "sin": lambda: x.sin().sum(),
        "sin_cos": lambda: (x.sin() + x.cos()).sum(),
        "exp": lambda: x.exp().sum(),
    }
    R["grad"] = {k: rec(torch.autograd.grad(f(), x, create_graph=True)[0]) for k, f in cases.items()}
    R["grad_no_create"] = rec(torch.autograd.grad((x * x).sum(), x)[0])

    # activations whose derivative is a dedicated kernel: first, second and third derivatives
    acts = {}
    for name, f in [("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu)]:
        x = torch.tensor([0.5, -1.25, 2.0], requires_grad=True)
        w = torch.tensor([1.0, 2.0, 3.0])
        g1, = torch.autograd.grad((f(x) * w).sum(), x, create_graph=True)
        nxt = [None if fn is None else type(fn).__name__ for fn, _ in g1.grad_fn.next_functions]
        g2, = torch.autograd.grad((g1 * w).sum(), x, create_graph=True)
        g3 = torch.autograd.grad(g2.sum(), x, allow_unused=True)[0] if g2.requires_grad else None
        # the same through a non-leaf gradient seed that requires grad
        seed = torch.tensor([1.0, -1.0, 0.5], requires_grad=True)
        y = f(x)
        gs, = torch.autograd.grad(y, x, grad_outputs=seed, create_graph=True)
        dseed = torch.autograd.grad(gs.sum(), seed)[0]
        acts[name] = {"g1": rec(g1), "next": nxt, "g2": rec(g2), "g3": None if g3 is None else g3.tolist(),
                      "seeded": rec(gs), "seeded_next": [None if fn is None else type(fn).__name__ for fn, _ in gs.grad_fn.next_functions],
                      "dseed": dseed.tolist()}
    R["activations"] = acts
    with open(OUT, "w") as f:
        json.dump(R, f, indent=1)


if __name__ == "__main__":
    main()
