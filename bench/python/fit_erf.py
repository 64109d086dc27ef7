"""Least-squares fits (relative error, Chebyshev basis on a dense grid) behind VectorFns' float erf coefficients.

    python3 bench/python/fit_erf.py      (needs numpy and mpmath)

erf small: erf(x) = x + x P(x^2) on [0, 1], P of degree 7, minimising the relative error of erf.
erfcx:     erfc(t) e^{t^2} = (1 - y) G(y), y = 1 - 4/(t + 2), t in [0.35, 10.5], G of degree 10 (relative error).
Errors are printed in units of 2^-24 (relative), with the coefficients rounded to float. The Java code was then
checked on every positive float below erf's saturation (ErfTest) and on a sweep of all floats for GELU.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40


def fit(xs, g, w, var, deg, order=lambda deg: range(deg, -1, -1)):
    """Coefficients (lowest first, each a float) of a degree-deg polynomial in var fitting g with weights w."""
    lo, hi = float(np.min(var)), float(np.max(var))
    c = np.polynomial.chebyshev.chebfit(2 * (var - lo) / (hi - lo) - 1, g, deg, w=w)
    # to monomials in var
    p = np.polynomial.chebyshev.cheb2poly(c)
    a, b = 2 / (hi - lo), -2 * lo / (hi - lo) - 1          # cheb variable = a var + b
    P = np.polynomial.Polynomial(p)(np.polynomial.Polynomial([b, a]))
    coef = np.array(P.coef, dtype=np.float64)
    # round to float one coefficient at a time (in the given order), refitting the others after each, so that
    # the rounding of one is absorbed by those not yet rounded
    V = np.vstack([var ** i for i in range(deg + 1)]).T * w[:, None]
    done = []
    for k in order(deg):
        if k < 0:                                   # kept in double (the Java code carries it as two floats)
            continue
        coef[k] = float(np.float32(coef[k]))
        done.append(k)
        free = [i for i in range(deg + 1) if i not in done]
        if free:
            rest = g * w - V[:, done] @ coef[done]
            coef[free] = np.linalg.lstsq(V[:, free], rest, rcond=None)[0]
    return coef


def erf_small(X=1.25, deg=7):
    xs = np.linspace(1e-4, X, 6000)
    g = np.array([float(mp.erf(mp.mpf(x)) / mp.mpf(x) - 1) for x in xs])
    tot = np.array([float(mp.erf(mp.mpf(x)) / mp.mpf(x)) for x in xs])
    c = fit(xs, g, 1 / tot, xs ** 2, deg)
    approx = 1 + np.polynomial.polynomial.polyval(xs ** 2, c)
    return c, np.max(np.abs(approx / tot - 1)) * 2.0 ** 24


def erfcx_fit(T0=0.35, T1=10.5, K=2.0, deg=10):
    ts = np.linspace(T0, T1, 8000)
    g = np.array([float(mp.erfc(mp.mpf(t)) * mp.exp(mp.mpf(t) ** 2)) for t in ts])
    y = 1 - 2 * K / (ts + K)
    gg = g * (ts + K) / (2 * K)             # erfcx(t) = (1 - y) G(y): G varies little, so its float Horner is accurate
    # the constant term stays exact (G0 + G0_LO in the Java code): the others are rounded from the lowest up
    c = fit(ts, gg, 1 / gg, y, deg, order=lambda deg: list(range(1, deg + 1)) + [-1])
    approx = np.polynomial.polynomial.polyval(y, c)
    # the float evaluation as the Java code does it (each fma rounded once to float)
    yf = y.astype(np.float32).astype(np.float64)
    p = np.full_like(yf, c[-1])
    for ci in c[-2::-1]:
        p = (p * yf + ci).astype(np.float32).astype(np.float64)
    print(f"  G's float Horner: max error {np.max(np.abs(p / np.polynomial.polynomial.polyval(yf, c) - 1)) * 2.0 ** 24:.3g} x 2^-24")
    return c, np.max(np.abs(approx / gg - 1)) * 2.0 ** 24


if __name__ == "__main__":
    for name, (c, err) in (("erf P(x^2)", erf_small(1.0)), ("erfcx G(y)", erfcx_fit())):
        print(f"{name}: max error {err:.3g} x 2^-24; coefficients (highest first):")
        print("  " + ", ".join(repr(float(np.float32(v))) + "f" for v in c[::-1]))
        lo = c[0] - float(np.float32(c[0]))
        if lo != 0:
            print(f"  constant term in two floats: {float(np.float32(c[0]))!r}f + {float(np.float32(lo))!r}f")
