"""Minimax fits (linear programming on a dense grid) behind VectorFns.tanhf's float coefficients.

    python3 bench/python/fit_tanh.py

tanh: x + x^3 P(x^2) on [0, 0.875], P of degree 6, minimising the relative error of the result.
exp:  1 + s + s^2 U(s) on |s| <= ln2/2, U of degree 4 (the exp part of tanh for |x| >= 0.875).
Errors are printed in units of 2^-24 (relative). The coefficients are rounded to float as printed; the Java
code was then checked on every positive float below 9.5 (max error 1 ulp against (float) Math.tanh).
"""
import mpmath as mp
import numpy as np
from scipy.optimize import linprog

mp.mp.dps = 40


def minimax(xs, g, w, var, deg):
    """Coefficients c minimising max |w (sum c_i var^i - g)| over the grid (var scaled to [-1, 1] for conditioning)."""
    scale = float(np.max(np.abs(var)))
    A = np.vstack([(var / scale) ** i for i in range(deg + 1)]).T * w[:, None]
    b = g * w
    n = deg + 1
    cost = np.zeros(n + 1)
    cost[-1] = 1
    a_ub = np.vstack([np.hstack([A, -np.ones((len(xs), 1))]), np.hstack([-A, -np.ones((len(xs), 1))])])
    res = linprog(cost, A_ub=a_ub, b_ub=np.concatenate([b, -b]), bounds=[(None, None)] * n + [(0, None)], method="highs")
    return res.x[:n] / np.array([scale ** i for i in range(n)]), res.x[-1]


def tanh_fit(T=0.875, deg=6):
    xs = np.linspace(1e-3, T, 4000)
    g = np.array([float((mp.tanh(mp.mpf(x)) - x) / mp.mpf(x) ** 3) for x in xs])
    w = np.array([float(mp.mpf(x) ** 3 / mp.tanh(mp.mpf(x))) for x in xs]) * 2.0 ** 24
    return minimax(xs, g, w, xs ** 2, deg)


def exp_fit(deg=4):
    L = float(mp.log(2) / 2) * 1.0001
    s = np.linspace(-L, L, 4000)
    s = s[np.abs(s) > 1e-6]
    g = np.array([float((mp.exp(mp.mpf(x)) - 1 - x) / mp.mpf(x) ** 2) for x in s])
    w = np.array([float(mp.mpf(x) ** 2 / mp.exp(mp.mpf(x))) for x in s]) * 2.0 ** 24
    return minimax(s, g, w, s, deg)


if __name__ == "__main__":
    for name, (c, err) in (("tanh P(z)", tanh_fit()), ("exp U(s)", exp_fit())):
        print(f"{name}: max error {err:.3g} x 2^-24; coefficients (lowest first):")
        print("  " + ", ".join(repr(float(np.float32(v))) + "f" for v in c))
