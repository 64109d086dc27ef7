"""Writes frontend/src/test/resources/goldens/lbfgs_float64.json: PyTorch 1.13's LBFGS on float64 parameters (plain
and with the strong-Wolfe line search) on the 2-D Rosenbrock function and on a small least-squares problem whose
data are exact binary fractions: parameters (as Python floats, repr round-trips) and losses after every step and
the evaluation counters. In float64 every scalar LBFGS computes (dots, step sizes, curvature) is a float64 tensor
or a Python float, i.e. double arithmetic throughout.

Run from the repository root:  /usr/bin/python3 tools/goldens/lbfgs_float64.py
"""
import json
import os

import torch

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "lbfgs_float64.json")
D = torch.float64


def rosenbrock(ps):
    p = ps[0]
    return 100 * (p[1] - p[0] ** 2) ** 2 + (1 - p[0]) ** 2


A = torch.tensor([[(i * 7 + j * 3) % 11 / 8 - 0.5 for j in range(4)] for i in range(6)], dtype=D)
B = torch.tensor([(i * 5) % 7 / 4 - 0.75 for i in range(6)], dtype=D)


def least_squares(ps):
    r = A.mv(ps[0]) + ps[1] - B
    return (r * r).sum()


PROBLEMS = {
    "rosenbrock": (rosenbrock, lambda: [torch.tensor([-1.5, 2.0], dtype=D)]),
    "least_squares": (least_squares, lambda: [torch.tensor([0.25, -0.5, 0.75, 1.0], dtype=D), torch.tensor(0.125, dtype=D)]),
}


def trajectory(name, problem, steps, **opts):
    f, init = PROBLEMS[problem]
    ps = [torch.nn.Parameter(t) for t in init()]
    opt = torch.optim.LBFGS(ps, **opts)
    out = {"name": name, "problem": problem, "opts": {k: v for k, v in opts.items()}, "steps": []}
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            l = f(ps)
            l.backward()
            return l
        loss = opt.step(closure)
        st = opt.state[opt._params[0]]
        out["steps"].append({"loss": loss.item(), "params": [p.detach().reshape(-1).tolist() for p in ps],
                             "func_evals": st["func_evals"], "n_iter": st["n_iter"]})
    return out


def main():
    cases = [
        trajectory("rosenbrock", "rosenbrock", 4, lr=0.1, max_iter=10),
        trajectory("rosenbrock_small_history", "rosenbrock", 6, lr=0.5, max_iter=4, history_size=3),
        trajectory("rosenbrock_strong_wolfe", "rosenbrock", 5, max_iter=10, history_size=4, line_search_fn="strong_wolfe"),
        trajectory("least_squares", "least_squares", 3, lr=0.5, max_iter=8),
        trajectory("least_squares_strong_wolfe", "least_squares", 3, max_iter=8, line_search_fn="strong_wolfe"),
    ]
    with open(OUT, "w") as fh:
        json.dump({"torch": torch.__version__, "trajectories": cases}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
