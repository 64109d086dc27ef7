"""Writes frontend/src/test/resources/goldens/backward_hooks.json: Module.register_full_backward_hook in PyTorch
1.13 — what the hook sees (grad_input w.r.t. the module's inputs, grad_output), replacing grad_input, several
hooks, inputs that do not require grad, the order over a Sequential, removal, errors and grad_fn names.

Run from the repository root:  /usr/bin/python3 tools/goldens/backward_hooks.py
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "backward_hooks.json")


def L(t):
    return None if t is None else t.tolist()


def linear(i, o, seed):
    m = nn.Linear(i, o)
    with torch.no_grad():
        m.weight.copy_(torch.arange(i * o, dtype=torch.float32).reshape(o, i).mul(0.1).sub(0.3 * seed))
        m.bias.copy_(torch.arange(o, dtype=torch.float32).mul(0.05).add(0.1 * seed))
    return m


class Mul(nn.Module):
    def forward(self, a, b):
        return a * b


def main():
    R = {}
    x0 = torch.tensor([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])

    # 1. what the hook sees
    m = linear(3, 2, 1)
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(([L(g) for g in gi], [L(g) for g in go])))
    x = x0.clone().requires_grad_(True)
    y = m(x)
    R["grad_fn"] = type(y.grad_fn).__name__
    R["next"] = [type(f).__name__ if f is not None else None for f, _ in y.grad_fn.next_functions]
    y.pow(2).sum().backward()
    R["seen"] = {"grad_input": seen[0][0], "grad_output": seen[0][1], "x_grad": L(x.grad), "w_grad": L(m.weight.grad), "calls": len(seen)}

    # 2. replacing grad_input, two hooks in order
    m = linear(3, 2, 2)
    order = []

    def h1(mod, gi, go):
        order.append("h1")
        return (gi[0] * 2,)

    def h2(mod, gi, go):
        order.append("h2:" + str(L(gi[0])))
        return None
    m.register_full_backward_hook(h1)
    m.register_full_backward_hook(h2)
    x = x0.clone().requires_grad_(True)
    m(x).sum().backward()
    R["replace"] = {"order": order, "x_grad": L(x.grad), "w_grad": L(m.weight.grad), "b_grad": L(m.bias.grad)}

    # 3. input does not require grad
    m = linear(3, 2, 3)
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(([L(g) for g in gi], [L(g) for g in go])))
    y = m(x0)
    R["no_input_grad_fn"] = type(y.grad_fn).__name__
    y.sum().backward()
    R["no_input_grad"] = {"grad_input": seen[0][0], "grad_output": seen[0][1], "w_grad": L(m.weight.grad)}
    m2 = linear(3, 2, 3)
    m2.register_full_backward_hook(lambda mod, gi, go: (torch.ones(2, 3),))
    try:
        m2(x0).sum().backward()
        R["no_input_error"] = None
    except RuntimeError as e:
        R["no_input_error"] = str(e)

    # 4. order over a Sequential
    seq = nn.Sequential(linear(3, 4, 1), nn.Tanh(), linear(4, 2, 2))
    calls = []
    for name, mod in seq.named_children():
        mod.register_full_backward_hook(lambda mod, gi, go, name=name: calls.append(
            [name, [L(g) for g in gi], [L(g) for g in go]]))
    seq.register_full_backward_hook(lambda mod, gi, go: calls.append(["seq", [L(g) for g in gi], [L(g) for g in go]]))
    x = x0.clone().requires_grad_(True)
    seq(x).pow(2).sum().backward()
    R["sequential"] = {"calls": calls, "x_grad": L(x.grad)}

    # 5. wrong number of grads returned
    m = linear(3, 2, 1)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    try:
        m(x0.clone().requires_grad_(True)).sum().backward()
        R["count_error"] = None
    except RuntimeError as e:
        R["count_error"] = str(e)

    # 6. two inputs, one without grad
    mm = Mul()
    seen = []
    mm.register_full_backward_hook(lambda mod, gi, go: seen.append(([L(g) for g in gi], [L(g) for g in go])))
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([4.0, 5.0, 6.0])
    out = mm(a, b)
    out.mul(torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    R["two_inputs"] = {"grad_input": seen[0][0], "grad_output": seen[0][1], "a_grad": L(a.grad)}

    # 7. removal before forward; removal after forward (the hook still runs: it was captured by the call)
    m = linear(3, 2, 1)
    calls = []
    h = m.register_full_backward_hook(lambda mod, gi, go: calls.append("removed"))
    h.remove()
    m.register_full_backward_hook(lambda mod, gi, go: calls.append("kept"))
    x = x0.clone().requires_grad_(True)
    y = m(x)
    h3 = m.register_full_backward_hook(lambda mod, gi, go: calls.append("late"))
    y.sum().backward()
    R["removal"] = calls

    # 8. no_grad forward: no hook wiring
    m = linear(3, 2, 1)
    m.register_full_backward_hook(lambda mod, gi, go: None)
    with torch.no_grad():
        y = m(x0.clone().requires_grad_(True))
    R["no_grad_requires_grad"] = y.requires_grad
    with open(OUT, "w") as f:
        json.dump(R, f, indent=1)


if __name__ == "__main__":
    main()
