"""Writes frontend/src/test/resources/goldens/hooks.json: Tensor.register_hook in PyTorch 1.13 — leaf and non-leaf
hooks, their order with retain_grad, removal, autograd.grad, fan-in and the errors — and module forward hooks.

Run from the repository root:  /usr/bin/python3 tools/goldens/hooks.py
"""
import json
import os

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "hooks.json")
R = {}


def L(t):
    return None if t is None else t.tolist()


def main():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    (y * 3).sum().backward()
    R["retain_then_hook"] = {"y_grad": L(y.grad), "x_grad": L(x.grad)}

    x.grad = None
    y = x * 2
    y.register_hook(lambda g: g * 10)
    y.retain_grad()
    (y * 3).sum().backward()
    R["hook_then_retain"] = {"y_grad": L(y.grad), "x_grad": L(x.grad)}

    x.grad = None
    h = x.register_hook(lambda g: g + 100)
    (x * 3).sum().backward()
    R["leaf_hook"] = L(x.grad)
    R["grad_capture"] = L(torch.autograd.grad((x * 3).sum(), x)[0])
    h.remove()
    x.grad = None
    (x * 3).sum().backward()
    R["removed"] = L(x.grad)

    seen = []
    x.grad = None
    y = x * 2
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.register_hook(lambda g: g * 2)
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.sum().backward()
    R["chain"] = {"seen": seen, "x_grad": L(x.grad)}

    seen = []
    x.grad = None
    y = x * 2
    y.register_hook(lambda g: seen.append(g.tolist()))
    (y * 3 + y * 4).sum().backward()
    R["fan_in"] = {"seen": seen, "x_grad": L(x.grad)}

    try:
        torch.ones(2).register_hook(lambda g: g)
    except RuntimeError as e:
        R["no_grad_error"] = str(e)
    y = x * 2
    y.register_hook(lambda g: torch.ones(3))
    try:
        y.sum().backward()
    except RuntimeError as e:
        R["size_error"] = str(e)

    # module forward pre-hooks and forward hooks (model(x) is Module.call in Java)
    seq = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh())
    calls = []
    h1 = seq[0].register_forward_pre_hook(lambda m, inp: (inp[0] * 2,))
    h2 = seq[0].register_forward_hook(lambda m, inp, out: out + 1)
    seq.register_forward_hook(lambda m, inp, out: calls.append([type(m).__name__, inp[0].tolist(), out.tolist()]))
    seq[1].register_forward_pre_hook(lambda m, inp: calls.append([type(m).__name__, inp[0].tolist()]))
    x = torch.tensor([-1.0, 0.5, 2.0])
    y1 = seq(x)
    h1.remove()
    h2.remove()
    y2 = seq(x)
    R["module_hooks"] = {"y1": L(y1), "y2": L(y2), "calls": calls}

    with open(OUT, "w") as f:
        json.dump({"torch_version": torch.__version__, **R}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
