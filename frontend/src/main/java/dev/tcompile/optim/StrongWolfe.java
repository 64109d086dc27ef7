package dev.tcompile.optim;

import dev.tcompile.Tensor;
import java.util.List;

/**
 * The strong-Wolfe line search of PyTorch 1.13's LBFGS ({@code _strong_wolfe} and {@code _cubic_interpolate} in
 * lbfgs.py, themselves ported from torch/optim's lswolfe.lua and polyinterp.lua), line by line, with PyTorch's
 * mix of Python floats and float32 0-d tensors kept by {@link PyScalar}.
 */
final class StrongWolfe {
  /** The loss and flat gradient at {@code x + t d} (the parameters are restored to x afterwards). */
  record Point(double loss, Tensor flatGrad) {}

  interface Objective {
    Point at(List<Tensor> x, PyScalar t, Tensor d);
  }

  record Result(double loss, Tensor flatGrad, PyScalar t, int funcEvals) {}

  private final Objective obj;

  StrongWolfe(Objective obj) { this.obj = obj; }

  /** {@code _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds)}; bounds null means (min(x1, x2), max(x1, x2)). */
  static PyScalar cubicInterpolate(PyScalar x1, PyScalar f1, PyScalar g1, PyScalar x2, PyScalar f2, PyScalar g2, PyScalar[] bounds) {
    PyScalar lo, hi;
    if (bounds != null) {
      lo = bounds[0];
      hi = bounds[1];
    } else if (x1.le(x2)) {
      lo = x1;
      hi = x2;
    } else {
      lo = x2;
      hi = x1;
    }
    PyScalar d1 = g1.add(g2).sub(f1.sub(f2).rmul(3).div(x1.sub(x2)));
    PyScalar d2Square = d1.square().sub(g1.mul(g2));
    if (d2Square.ge(0)) {
      PyScalar d2 = d2Square.sqrt();
      PyScalar minPos = x1.le(x2)
          ? x2.sub(x2.sub(x1).mul(g2.add(d2).sub(d1).div(g2.sub(g1).add(d2.rmul(2)))))
          : x1.sub(x1.sub(x2).mul(g1.add(d2).sub(d1).div(g1.sub(g2).add(d2.rmul(2)))));
      return PyScalar.min(PyScalar.max(minPos, lo), hi);
    }
    return lo.add(hi).div(2.0);
  }

  private static PyScalar dot(Tensor a, Tensor b) { return PyScalar.dot(a, b); }

  Result search(List<Tensor> x, PyScalar t, Tensor d, double f0, Tensor g0, PyScalar gtd, double c1, double c2,
                double toleranceChange, int maxLs) {
    PyScalar f = PyScalar.of(f0);
    PyScalar dNorm = PyScalar.of(d.abs().max());
    Tensor g = g0.clone();
    Point p = obj.at(x, t, d);
    PyScalar fNew = PyScalar.of(p.loss());
    Tensor gNew = p.flatGrad();
    int lsFuncEvals = 1;
    PyScalar gtdNew = dot(gNew, d);

    PyScalar tPrev = PyScalar.of(0), fPrev = f, gtdPrev = gtd;
    Tensor gPrev = g;
    boolean done = false;
    int lsIter = 0;
    PyScalar[] bracket = null, bracketF = null, bracketGtd = null;
    Tensor[] bracketG = null;
    while (lsIter < maxLs) {
      if (fNew.gt(f.add(t.rmul(c1).mul(gtd))) || (lsIter > 1 && fNew.ge(fPrev))) {
        bracket = new PyScalar[]{tPrev, t};
        bracketF = new PyScalar[]{fPrev, fNew};
        bracketG = new Tensor[]{gPrev, gNew.clone()};
        bracketGtd = new PyScalar[]{gtdPrev, gtdNew};
        break;
      }
      if (gtdNew.abs().le(gtd.rmul(-c2))) {
        bracket = new PyScalar[]{t};
        bracketF = new PyScalar[]{fNew};
        bracketG = new Tensor[]{gNew};
        done = true;
        break;
      }
      if (gtdNew.ge(0)) {
        bracket = new PyScalar[]{tPrev, t};
        bracketF = new PyScalar[]{fPrev, fNew};
        bracketG = new Tensor[]{gPrev, gNew.clone()};
        bracketGtd = new PyScalar[]{gtdPrev, gtdNew};
        break;
      }
      PyScalar minStep = t.add(t.sub(tPrev).rmul(0.01));
      PyScalar maxStep = t.mul(10);
      PyScalar tmp = t;
      t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, new PyScalar[]{minStep, maxStep});
      tPrev = tmp;
      fPrev = fNew;
      gPrev = gNew.clone();
      gtdPrev = gtdNew;
      p = obj.at(x, t, d);
      fNew = PyScalar.of(p.loss());
      gNew = p.flatGrad();
      lsFuncEvals++;
      gtdNew = dot(gNew, d);
      lsIter++;
    }
    if (lsIter == maxLs) {
      bracket = new PyScalar[]{PyScalar.of(0), t};
      bracketF = new PyScalar[]{f, fNew};
      bracketG = new Tensor[]{g, gNew};
      // PyTorch leaves bracket_gtd unset here; the zoom loop below does not run (ls_iter == max_ls)
    }

    boolean insufProgress = false;
    int lowPos = 0, highPos = 1;
    if (!bracketF[0].le(bracketF[bracketF.length - 1])) { lowPos = 1; highPos = 0; }
    while (!done && lsIter < maxLs) {
      if (bracket[1].sub(bracket[0]).abs().mul(dNorm).lt(toleranceChange)) break;
      t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], null);
      PyScalar bMax = PyScalar.max(bracket[0], bracket[1]), bMin = PyScalar.min(bracket[0], bracket[1]);
      PyScalar eps = bMax.sub(bMin).rmul(0.1);
      if (PyScalar.min(bMax.sub(t), t.sub(bMin)).lt(eps)) {
        if (insufProgress || t.ge(bMax) || t.le(bMin)) {
          t = t.sub(bMax).abs().lt(t.sub(bMin).abs()) ? bMax.sub(eps) : bMin.add(eps);
          insufProgress = false;
        } else {
          insufProgress = true;
        }
      } else {
        insufProgress = false;
      }
      p = obj.at(x, t, d);
      fNew = PyScalar.of(p.loss());
      gNew = p.flatGrad();
      lsFuncEvals++;
      gtdNew = dot(gNew, d);
      lsIter++;
      if (fNew.gt(f.add(t.rmul(c1).mul(gtd))) || fNew.ge(bracketF[lowPos])) {
        bracket[highPos] = t;
        bracketF[highPos] = fNew;
        bracketG[highPos] = gNew.clone();
        bracketGtd[highPos] = gtdNew;
        if (bracketF[0].le(bracketF[1])) { lowPos = 0; highPos = 1; } else { lowPos = 1; highPos = 0; }
      } else {
        if (gtdNew.abs().le(gtd.rmul(-c2))) {
          done = true;
        } else if (gtdNew.mul(bracket[highPos].sub(bracket[lowPos])).ge(0)) {
          bracket[highPos] = bracket[lowPos];
          bracketF[highPos] = bracketF[lowPos];
          bracketG[highPos] = bracketG[lowPos];
          bracketGtd[highPos] = bracketGtd[lowPos];
        }
        bracket[lowPos] = t;
        bracketF[lowPos] = fNew;
        bracketG[lowPos] = gNew.clone();
        bracketGtd[lowPos] = gtdNew;
      }
    }
    return new Result(bracketF[lowPos].value(), bracketG[lowPos], bracket[lowPos], lsFuncEvals);
  }
}
