"""Writes frontend/src/test/resources/goldens/custom_function.json: torch.autograd.Function subclasses (the
documentation's examples and the ctx features) run in PyTorch 1.13 — outputs, grad_fn names, next_functions,
gradients, double backward and error messages. The Java test defines the same classes as CustomFunctions.

Run from the repository root:  /usr/bin/python3 tools/goldens/custom_function.py
"""
import json
import os

import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "custom_function.json")
RESULTS = {}


def vals(t):
    return None if t is None else {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}


def name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def nexts(t):
    return [[None if f is None else type(f).__name__, n] for f, n in t.grad_fn.next_functions]


class MyExp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class MyCube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2


class OnceCube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x ** 2


class AddOneInPlace(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g


class TwiceAndMask(Function):
    @staticmethod
    def forward(ctx, x):
        mask = (x > 0).float()
        ctx.mark_non_differentiable(mask)
        ctx.save_for_backward(mask)
        return x * 2, mask

    @staticmethod
    def backward(ctx, g, g_mask):
        mask, = ctx.saved_tensors
        return g * 2 + g_mask


class SplitTwo(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, ga, gb):
        return ga * 2 + gb * 3


class Identity(Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g * 10


class TooFew(Function):
    @staticmethod
    def forward(ctx, x, y):
        return x + y

    @staticmethod
    def backward(ctx, g):
        return g


class BadShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g[:2]


class SumToShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.expand(2, 3) * 2


def err(key, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        RESULTS[key] = str(e)
        return
    raise AssertionError(key)


def main():
    torch.manual_seed(0)
    x = torch.randn(3, 4, requires_grad=True)
    y = MyExp.apply(x)
    up = torch.randn(3, 4)
    y.backward(up)
    RESULTS["exp"] = {"x": vals(x), "up": vals(up), "y": vals(y), "grad_fn": name(y), "next": nexts(y), "grad": vals(x.grad)}

    inp = torch.randn(5, 3, requires_grad=True)
    w = torch.randn(4, 3, requires_grad=True)
    b = torch.randn(4)
    out = LinearFunction.apply(inp, w, b)
    out.sum().backward()
    RESULTS["linear"] = {"input": vals(inp), "weight": vals(w), "bias": vals(b), "out": vals(out), "grad_fn": name(out),
                         "next": nexts(out), "grad_input": vals(inp.grad), "grad_weight": vals(w.grad)}

    c = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    z = MyCube.apply(c)
    g, = torch.autograd.grad(z.sum(), c, create_graph=True)
    gg, = torch.autograd.grad(g.sum(), c)
    RESULTS["cube"] = {"z": vals(z), "g": vals(g), "g_grad_fn": name(g), "gg": vals(gg)}

    z = OnceCube.apply(c)
    g, = torch.autograd.grad(z.sum(), c, create_graph=True)
    RESULTS["once_g"] = {"g": vals(g), "g_grad_fn": name(g), "requires_grad": g.requires_grad}
    err("once_error", lambda: g.sum().backward())

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a2 = a.clone()
    v0 = a2._version
    r = AddOneInPlace.apply(a2)
    r.backward(torch.tensor([1.0, 5.0]))
    RESULTS["dirty"] = {"same_object": r is a2, "value": vals(a2), "grad_fn": name(a2), "version_bump": a2._version - v0,
                        "grad": vals(a.grad)}
    err("dirty_leaf", lambda: AddOneInPlace.apply(torch.ones(2, requires_grad=True)))

    t = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    twice, mask = TwiceAndMask.apply(t)
    (twice.sum() + (mask * 5).sum()).backward()
    RESULTS["mask"] = {"twice_grad_fn": name(twice), "mask_requires_grad": mask.requires_grad, "mask": vals(mask),
                       "grad": vals(t.grad)}

    s = torch.tensor([1.0, 2.0], requires_grad=True)
    p, q = SplitTwo.apply(s)
    p.sum().backward()
    RESULTS["materialize"] = {"grad": vals(s.grad), "same_node": p.grad_fn is q.grad_fn}

    i = torch.tensor([1.0, 2.0], requires_grad=True)
    o = Identity.apply(i)
    o.sum().backward()
    RESULTS["identity"] = {"is_input": o is i, "grad_fn": name(o), "grad": vals(i.grad)}

    err("too_few", lambda: TooFew.apply(torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)).sum().backward())
    err("bad_shape", lambda: BadShape.apply(torch.ones(3, requires_grad=True)).sum().backward())
    st = torch.ones(3, requires_grad=True)
    SumToShape.apply(st).sum().backward()
    RESULTS["sum_to"] = {"grad": vals(st.grad)}

    with open(OUT, "w") as f:
        json.dump({"torch_version": torch.__version__, **RESULTS}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
