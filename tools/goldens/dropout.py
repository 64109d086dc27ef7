"""Writes frontend/src/test/resources/goldens/dropout.json: PyTorch 1.13 CPU (Debian build, no MKL) dropout masks
and the draws after them — F.dropout, nn.Dropout, Tensor.bernoulli_(p) on contiguous and transposed tensors,
torch.bernoulli(probs) — each followed by a torch.rand so the test checks how many numbers each op consumed.

Run from the repository root:  /usr/bin/python3 tools/goldens/dropout.py
"""
import json
import os
import warnings

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "dropout.json")


def L(t):
    return t.detach().reshape(-1).tolist()


def main():
    assert not torch.backends.mkl.is_available(), "the goldens are for a build without MKL (its bernoulli_ differs)"
    R = {"dropout": [], "module": [], "bernoulli_": [], "probs": []}
    seed = 0
    for shape in [[1], [7], [10], [33], [100], [3, 5], [17, 13], [2, 3, 4]]:
        for p in [0.1, 0.25, 0.5, 0.8]:
            seed += 1
            torch.manual_seed(seed)
            n = 1
            for d in shape:
                n *= d
            x = (torch.arange(n, dtype=torch.float32) * 0.25 - 1).reshape(shape).requires_grad_(True)
            y = torch.nn.functional.dropout(x, p, True)
            y.sum().backward()
            after = torch.rand(5)
            R["dropout"].append({"seed": seed, "shape": shape, "p": p, "y": L(y), "grad": L(x.grad),
                                 "grad_fn": type(y.grad_fn).__name__, "after": L(after)})
    # nn.Dropout in a small network: two dropouts then randn
    torch.manual_seed(42)
    d = torch.nn.Dropout(0.3)
    a = d(torch.ones(4, 9))
    b = d(torch.ones(11))
    c = torch.randn(3)
    R["module"] = {"a": L(a), "b": L(b), "randn": L(c), "repr": repr(d)}
    for shape, p, transpose in [([6, 4], 0.3, False), ([6, 4], 0.7, True), ([5], 1.0, False), ([5], 0.0, False)]:
        torch.manual_seed(7)
        t = torch.zeros(shape)
        if transpose:
            t = t.t()
        t.bernoulli_(p)
        R["bernoulli_"].append({"shape": shape, "p": p, "transpose": transpose, "v": L(t.contiguous()), "after": L(torch.rand(3))})
    torch.manual_seed(9)
    probs = torch.linspace(0, 1, 23).reshape(1, 23).requires_grad_(True)
    s = torch.bernoulli(probs)
    s.sum().backward()
    R["probs"] = {"v": L(s), "grad_fn": type(s.grad_fn).__name__, "grad": L(probs.grad), "after": L(torch.rand(3))}
    # channel dropout: the noise is (N, C, 1, ...); in place; p == 1
    feats = []
    for name, fn, shape in [("dropout1d", torch.nn.functional.dropout1d, [2, 3, 5]), ("dropout1d", torch.nn.functional.dropout1d, [3, 5]),
                            ("dropout2d", torch.nn.functional.dropout2d, [2, 3, 4, 4]), ("dropout2d", torch.nn.functional.dropout2d, [3, 4, 5]),
                            ("dropout3d", torch.nn.functional.dropout3d, [2, 2, 2, 3, 3]), ("dropout3d", torch.nn.functional.dropout3d, [2, 2, 3, 3])]:
        torch.manual_seed(17)
        n = 1
        for d in shape:
            n *= d
        x = (torch.arange(n, dtype=torch.float32) * 0.5 - 2).reshape(shape).requires_grad_(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = fn(x, 0.4, True)
        y.sum().backward()
        feats.append({"fn": name, "shape": shape, "y": L(y), "grad": L(x.grad), "grad_fn": type(y.grad_fn).__name__,
                      "after": L(torch.rand(3))})
    R["feature"] = feats
    torch.manual_seed(5)
    leaf = torch.arange(6, dtype=torch.float32).requires_grad_(True)
    x = leaf * 1.0
    y = torch.nn.functional.dropout(x, 0.5, True, inplace=True)
    R["inplace"] = {"same": y is x, "grad_fn": type(x.grad_fn).__name__, "v": L(x), "version": x._version}
    x = leaf * 1.0
    torch.nn.functional.dropout(x, 1.0, True, inplace=True)
    R["inplace_p1"] = {"grad_fn": type(x.grad_fn).__name__, "v": L(x)}
    R["reprs"] = [repr(torch.nn.Dropout(0.2, inplace=True)), repr(torch.nn.Dropout1d()), repr(torch.nn.Dropout2d(0.3)),
                  repr(torch.nn.Dropout3d(p=0.1, inplace=True))]
    try:
        torch.nn.functional.dropout1d(torch.zeros(2, 2, 2, 2), 0.5, True)
    except RuntimeError as e:
        R["dropout1d_error"] = str(e)
    try:
        torch.nn.functional.dropout2d(torch.zeros(4), 0.5, True)
    except RuntimeError as e:
        R["feature_error"] = str(e)
    # torch.bernoulli(x, p) and x.bernoulli_(probs)
    torch.manual_seed(3)
    a = torch.rand(4, 5, requires_grad=True)
    b = torch.bernoulli(a, 0.3)
    R["bernoulli_scalar"] = {"v": L(b), "grad_fn": None if b.grad_fn is None else type(b.grad_fn).__name__,
                             "requires_grad": b.requires_grad, "after": L(torch.rand(3))}
    probs = []
    for transpose in [False, True]:
        torch.manual_seed(4)
        t = torch.zeros(5, 4).t() if transpose else torch.zeros(4, 5)
        t.bernoulli_(torch.linspace(0.05, 0.95, 5))
        probs.append({"transpose": transpose, "v": L(t.contiguous()), "after": L(torch.rand(3))})
    R["bernoulli_probs"] = probs
    x = torch.zeros(3, requires_grad=True).clone()
    x.bernoulli_(torch.tensor([0.2, 0.4, 0.6]))
    R["bernoulli_probs_grad_fn"] = type(x.grad_fn).__name__
    try:
        torch.zeros(3).bernoulli_(torch.tensor([0.2, 1.4, 0.6]))
    except RuntimeError as e:
        R["bernoulli_probs_error"] = str(e)
    try:
        torch.zeros(3).bernoulli_(torch.tensor([0.2, 0.4]))
    except RuntimeError as e:
        R["bernoulli_probs_shape_error"] = str(e)
    errors = {}
    for p in [1.5, -0.1, 2.0]:
        try:
            torch.zeros(3).bernoulli_(p)
        except RuntimeError as e:
            errors[str(p)] = str(e)
    R["errors"] = errors
    with open(OUT, "w") as f:
        json.dump(R, f, indent=1)


if __name__ == "__main__":
    main()
