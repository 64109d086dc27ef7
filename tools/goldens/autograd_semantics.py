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


def names(fn):
    """A node and its next functions, as print shows their class names."""
    return type(fn).__name__ + " " + repr([None if f is None else type(f).__name__ for f, _ in fn.next_functions])


def views_and_in_place():
    x = leaf(1.0, 2.0, 3.0)
    b = x * 1
    v = b[0:2]
    b.mul_(2)  # the base changes: the view's history is taken again from it
    G["base_in_place.view"] = str(v)
    G["base_in_place.view_node"] = names(v.grad_fn)
    v.sum().backward()
    G["base_in_place.grad"] = str(x.grad)

    x = leaf(1.0, 2.0, 3.0)
    b = x * 1
    v = b[0:2]
    v.mul_(3)  # the view changes: the base's history becomes CopySlices
    G["view_in_place.base"] = str(b)
    G["view_in_place.base_node"] = names(b.grad_fn)
    G["view_in_place.view_node"] = names(v.grad_fn)
    (b * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    G["view_in_place.grad"] = str(x.grad)

    x, w = leaf(1.0, 2.0, 3.0), torch.tensor(5.0, requires_grad=True)
    b = x * 1
    b.select(0, 1).add_(w)
    G["view_add_other.base"] = str(b)
    (b * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    G["view_add_other.grads"] = str(x.grad) + " " + str(w.grad)

    w = torch.tensor(2.0, requires_grad=True)
    b = torch.zeros(3)
    b[1:].add_(w * 1)  # a base that needed no gradient now does
    G["view_of_constant.base"] = str(b)
    b.sum().backward()
    G["view_of_constant.grad"] = str(w.grad)

    x, w = leaf(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), leaf(2.0, 3.0)
    b = (x * 1).view(2, 3)
    b.select(0, 1).narrow(0, 1, 2).mul_(w)  # a view of a view, with an operand that is saved
    G["view_of_view.base"] = str(b)
    (b * torch.arange(1.0, 7.0).view(2, 3)).sum().backward()
    G["view_of_view.grads"] = str(x.grad) + " " + str(w.grad)

    x = leaf(1.0, 2.0, 3.0)
    b = x * 1
    v1, v2 = b[0:2], b[1:3]
    v1.mul_(2)  # a sibling view sees the write and takes its history again
    G["sibling.view"] = str(v2)
    (v2 * torch.tensor([10.0, 100.0])).sum().backward()
    G["sibling.grad"] = str(x.grad)

    x, w = leaf(1.0, 2.0, 3.0), leaf(7.0, 8.0)
    b = x * 1
    b[0:2].copy_(w)
    (b * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    G["view_copy.grads"] = str(x.grad) + " " + str(w.grad)

    x = leaf(1.0, 2.0, 3.0)
    b = x * 1
    b.t()[1:].mul_(x[1:])
    (g,) = torch.autograd.grad([b.pow(2).sum()], [x], create_graph=True)
    G["view_double.first"] = str(g)
    (gg,) = torch.autograd.grad([g.sum()], [x])
    G["view_double.second"] = str(gg)


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
    views_and_in_place()
    with open(OUT, "w") as f:
        json.dump(G, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT}: {len(G)} values")


if __name__ == "__main__":
    main()
