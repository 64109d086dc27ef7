"""Writes frontend/src/test/resources/goldens/autograd_semantics.json: what PyTorch 1.13 prints for small
autograd programs (gradient accumulation, retain_grad, VJPs, retain_graph, autograd.grad, fan-out, diamonds,
deep chains, max along a dim, detach/.data aliasing). AutogradSemanticsTest runs the same programs in Java.

Run from the repository root:  /usr/bin/python3 tools/goldens/autograd_semantics.py
Each entry maps a name to str() of a tensor (or repr of a Python value), exactly as print() shows it;
"..._bits" entries hold float32 bit patterns where the printed 4 decimals are not enough.
"""
import json
import os
import struct

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "autograd_semantics.json")
G = {}


def leaf(*values):
    return torch.tensor(values, requires_grad=True)


def accumulation():
    x = leaf(1.0, 2.0, 3.0)
    (x * x).sum().backward()
    G["accumulate.first"] = str(x.grad)
    (x * x).sum().backward()
    G["accumulate.second"] = str(x.grad)


def retain_grad():
    x = leaf(1.0, 2.0, 3.0)
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    G["retain_grad.y"] = str(y.grad)
    G["retain_grad.x"] = str(x.grad)


def vjp():
    x = leaf(1.0, 2.0, 3.0)
    y = x * x
    y.backward(torch.tensor([0.1, 1.0, 10.0]))
    G["vjp.x"] = str(x.grad)
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = m.matmul(torch.tensor([0.5, -1.0]))
    w.backward(torch.tensor([2.0, -3.0]))
    G["vjp.matrix"] = str(m.grad)


def retain_graph():
    x = leaf(1.0, 2.0, 3.0)
    z = (x * x.exp()).sum()
    z.backward(retain_graph=True)
    G["retain_graph.first"] = str(x.grad)
    z.backward()
    G["retain_graph.second"] = str(x.grad)


def autograd_grad():
    x = leaf(1.0, 2.0, 3.0)
    w = leaf(4.0, 5.0, 6.0)
    (g,) = torch.autograd.grad([(x ** 3).sum()], [x], create_graph=True)
    G["grad.first"] = str(g)
    (gg,) = torch.autograd.grad([g.sum()], [x])
    G["grad.second"] = str(gg)
    G["grad.leaves_untouched"] = repr((x.grad, w.grad))
    ga, gw = torch.autograd.grad([(x * 2).sum()], [x, w], allow_unused=True)
    G["grad.allow_unused"] = str(ga) + " " + str(gw)
    (plain,) = torch.autograd.grad([(x * w).sum()], [x])
    G["grad.without_create_graph"] = str(plain)


def fan_out_and_diamond():
    x = leaf(0.5, -1.0, 2.0)
    y = x * x + x.sin() + x
    y.sum().backward()
    G["fan_out"] = str(x.grad)
    x = leaf(0.5, -1.0, 2.0)
    a = x * 2
    b = a.exp()
    c = a.sin()
    (b * c).sum().backward()
    G["diamond"] = str(x.grad)


def deep_chain():
    x = leaf(1.0, 2.0)
    y = x
    for _ in range(10000):
        y = y * 1.0001
    G["deep_chain.value"] = str(y.detach())
    y.sum().backward()
    G["deep_chain.grad"] = str(x.grad)
    G["deep_chain.grad_bits"] = [struct.unpack("<i", struct.pack("<f", v))[0] for v in x.grad.tolist()]


def max_dim():
    x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 3.0, 7.0]], requires_grad=True)
    values, indices = x.max(1)
    G["max_dim.values"] = str(values)
    G["max_dim.indices"] = str(indices)
    (values * torch.tensor([10.0, 100.0])).sum().backward()
    G["max_dim.grad"] = str(x.grad)


def aliasing():
    x = leaf(1.0, 2.0, 3.0)
    w = leaf(4.0, 5.0, 6.0)
    y = (x * w).sum()
    x.data.mul_(10)  # .data shares storage but not the version counter: backward sees the new values
    y.backward()
    G["data.grad_w"] = str(w.grad)
    G["data.x"] = str(x)


def main():
    accumulation()
    retain_grad()
    vjp()
    retain_graph()
    autograd_grad()
    fan_out_and_diamond()
    deep_chain()
    max_dim()
    aliasing()
    with open(OUT, "w") as f:
        json.dump(G, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT}: {len(G)} values")


if __name__ == "__main__":
    main()
