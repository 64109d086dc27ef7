"""Writes frontend/src/test/resources/goldens/optim_more.json: PyTorch 1.13's Adadelta, Adagrad and LBFGS (with
and without the strong-Wolfe line search) on a small MLP from fixed values and on the 2-D Rosenbrock function
(whose gradient has no summation order, so LBFGS's long trajectories can be compared bit for bit) — parameters and losses after every
step, LBFGS's evaluation counters — plus every optimiser's repr, the new optimisers' state keys and their
argument errors.

Run from the repository root:  /usr/bin/python3 tools/goldens/optim_more.py
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "optim_more.json")


def L(t):
    return t.detach().tolist()


def data():
    g = torch.Generator().manual_seed(123)
    x = torch.randn(8, 3, generator=g)
    y = torch.randn(8, 1, generator=g)
    init = [torch.randn(4, 3, generator=g) * 0.5, torch.randn(4, generator=g) * 0.1,
            torch.randn(1, 4, generator=g) * 0.5, torch.randn(1, generator=g) * 0.1]
    return x, y, init


def rosenbrock_data():
    return None, None, [torch.tensor([-1.5, 2.0])]


def rosenbrock_loss(ps, x, y):
    """The 2-D Rosenbrock function: elementwise ops only, so its gradient has no summation order to differ in."""
    p = ps[0]
    return (100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2)


def loss_fn(ps, x, y):
    h = torch.tanh(F.linear(x, ps[0], ps[1]))
    return F.mse_loss(F.linear(h, ps[2], ps[3]), y)


def trajectory(name, make, steps, closure_style, problem="mlp"):
    x, y, init = {"mlp": data, "rosenbrock": rosenbrock_data}[problem]()
    f = {"mlp": loss_fn, "rosenbrock": rosenbrock_loss}[problem]
    ps = [torch.nn.Parameter(t.clone()) for t in init]
    opt = make(ps)
    out = {"name": name, "problem": problem, "steps": []}
    for k in range(steps):
        def closure():
            opt.zero_grad()
            l = f(ps, x, y)
            l.backward()
            return l
        if closure_style:
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        rec = {"loss": loss.item(), "params": [L(p) for p in ps]}
        if isinstance(opt, torch.optim.LBFGS):
            st = opt.state[ps[0]]
            rec["func_evals"] = st["func_evals"]
            rec["n_iter"] = st["n_iter"]
        out["steps"].append(rec)
    out["state_keys"] = [list(s.keys()) for s in opt.state_dict()["state"].values()]
    out["repr"] = repr(opt)
    return out


def err(f):
    try:
        f()
    except Exception as e:
        return type(e).__name__ + ": " + str(e)
    return None


def lbfgs_armijo():
    q = torch.nn.Parameter(torch.ones(2))

    def closure():
        q.grad = None
        l = (q * q).sum()
        l.backward()
        return l
    torch.optim.LBFGS([q], line_search_fn="armijo").step(closure)


def main():
    x, y, init = data()
    R = {"x": L(x), "y": L(y), "init": [L(t) for t in init]}
    O = torch.optim
    R["trajectories"] = [
        trajectory("adadelta", lambda ps: O.Adadelta(ps), 20, False),
        trajectory("adadelta_opts", lambda ps: O.Adadelta(ps, lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1), 20, False),
        trajectory("adadelta_maximize", lambda ps: O.Adadelta(ps, lr=0.1, maximize=True), 5, False),
        trajectory("adagrad", lambda ps: O.Adagrad(ps, lr=0.1), 20, False),
        trajectory("adagrad_opts", lambda ps: O.Adagrad(ps, lr=0.05, lr_decay=0.01, weight_decay=0.05,
                                                        initial_accumulator_value=0.1, eps=1e-8), 20, False),
        trajectory("adagrad_closure", lambda ps: O.Adagrad(ps, lr=0.1), 3, True),
        trajectory("lbfgs_mlp_short", lambda ps: O.LBFGS(ps, max_iter=3), 1, True),
        trajectory("lbfgs", lambda ps: O.LBFGS(ps), 3, True, "rosenbrock"),
        trajectory("lbfgs_small_history", lambda ps: O.LBFGS(ps, lr=0.5, max_iter=4, history_size=3), 6, True, "rosenbrock"),
        trajectory("lbfgs_strong_wolfe", lambda ps: O.LBFGS(ps, line_search_fn="strong_wolfe"), 3, True, "rosenbrock"),
        trajectory("lbfgs_strong_wolfe_lr", lambda ps: O.LBFGS(ps, lr=0.3, max_iter=6, history_size=5,
                                                               line_search_fn="strong_wolfe"), 4, True, "rosenbrock"),
        trajectory("lbfgs_rosenbrock", lambda ps: O.LBFGS(ps, lr=0.1, max_iter=10), 5, True, "rosenbrock"),
        trajectory("lbfgs_rosenbrock_strong_wolfe", lambda ps: O.LBFGS(ps, max_iter=10, history_size=4, line_search_fn="strong_wolfe"), 5, True,
                   "rosenbrock"),
        trajectory("lbfgs_strong_wolfe_mlp_short", lambda ps: O.LBFGS(ps, max_iter=3, line_search_fn="strong_wolfe"), 1, True),
    ]
    p = [torch.nn.Parameter(torch.zeros(2))]
    R["reprs"] = {
        "sgd": repr(O.SGD(p, lr=0.1)), "sgd_momentum": repr(O.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4)),
        "adam": repr(O.Adam(p)), "adamw": repr(O.AdamW(p)), "rmsprop": repr(O.RMSprop(p)),
        "adadelta": repr(O.Adadelta(p)), "adagrad": repr(O.Adagrad(p)), "lbfgs": repr(O.LBFGS(p)),
        "lbfgs_wolfe": repr(O.LBFGS(p, lr=0.5, max_iter=7, line_search_fn="strong_wolfe")),
    }
    R["errors"] = {
        "adadelta_rho": err(lambda: O.Adadelta(p, rho=1.5)),
        "adadelta_lr": err(lambda: O.Adadelta(p, lr=-1.0)),
        "adadelta_eps": err(lambda: O.Adadelta(p, eps=-1e-6)),
        "adadelta_wd": err(lambda: O.Adadelta(p, weight_decay=-0.5)),
        "adagrad_lr_decay": err(lambda: O.Adagrad(p, lr_decay=-0.1)),
        "adagrad_init": err(lambda: O.Adagrad(p, initial_accumulator_value=-0.1)),
        "adagrad_eps": err(lambda: O.Adagrad(p, eps=-0.1)),
        "lbfgs_groups": err(lambda: O.LBFGS([{"params": [p[0]]}, {"params": [torch.nn.Parameter(torch.zeros(1))]}])),
        "lbfgs_line_search": err(lambda: lbfgs_armijo()),
    }
    with open(OUT, "w") as f:
        json.dump(R, f, indent=1)


if __name__ == "__main__":
    main()
