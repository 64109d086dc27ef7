package dev.tcompile.optim;

import dev.tcompile.Tensor;

/**
 * A number in PyTorch's LBFGS as Python holds it: a Python float (double arithmetic) or a 0-d float32 tensor.
 * Arithmetic follows PyTorch's promotion: when either side is a tensor, both are rounded to float32 and the
 * result is a float32 tensor; comparisons with a tensor compare in float32. This keeps the line search's
 * step sizes and tests on PyTorch's roundings.
 */
record PyScalar(double value, boolean tensor) {
  static PyScalar of(double v) { return new PyScalar(v, false); }

  static PyScalar of(Tensor zeroDim) { return new PyScalar(zeroDim.item(), true); }

  static PyScalar f32(float v) { return new PyScalar(v, true); }

  private static PyScalar result(double a, double b, boolean tensor, char op) {
    if (tensor) {
      float x = (float) a, y = (float) b;
      float r = switch (op) { case '+' -> x + y; case '-' -> x - y; case '*' -> x * y; default -> x / y; };
      return new PyScalar(r, true);
    }
    double r = switch (op) { case '+' -> a + b; case '-' -> a - b; case '*' -> a * b; default -> a / b; };
    return new PyScalar(r, false);
  }

  PyScalar add(PyScalar o) { return result(value, o.value, tensor || o.tensor, '+'); }
  PyScalar sub(PyScalar o) { return result(value, o.value, tensor || o.tensor, '-'); }
  PyScalar mul(PyScalar o) { return result(value, o.value, tensor || o.tensor, '*'); }
  PyScalar div(PyScalar o) { return result(value, o.value, tensor || o.tensor, '/'); }
  PyScalar add(double o) { return add(of(o)); }
  PyScalar sub(double o) { return sub(of(o)); }
  PyScalar mul(double o) { return mul(of(o)); }
  PyScalar div(double o) { return div(of(o)); }
  /** {@code o - this}, with o a Python float. */
  PyScalar rsub(double o) { return of(o).sub(this); }
  /** {@code o / this}, with o a Python float. */
  PyScalar rdiv(double o) { return of(o).div(this); }
  /** {@code o * this}, with o a Python float. */
  PyScalar rmul(double o) { return of(o).mul(this); }

  PyScalar neg() { return new PyScalar(-value, tensor); }
  PyScalar abs() { return new PyScalar(Math.abs(value), tensor); }
  PyScalar sqrt() { return tensor ? new PyScalar((float) Math.sqrt((float) value), true) : new PyScalar(Math.sqrt(value), false); }
  PyScalar square() { return mul(this); }

  /** {@code this < o} as Python evaluates it. */
  boolean lt(PyScalar o) { return tensor || o.tensor ? (float) value < (float) o.value : value < o.value; }
  boolean le(PyScalar o) { return tensor || o.tensor ? (float) value <= (float) o.value : value <= o.value; }
  boolean gt(PyScalar o) { return o.lt(this); }
  boolean ge(PyScalar o) { return o.le(this); }
  boolean lt(double o) { return lt(of(o)); }
  boolean le(double o) { return le(of(o)); }
  boolean gt(double o) { return gt(of(o)); }
  boolean ge(double o) { return ge(of(o)); }

  /** Python's {@code min(a, b)}: a unless b < a. */
  static PyScalar min(PyScalar a, PyScalar b) { return b.lt(a) ? b : a; }

  /** Python's {@code max(a, b)}: a unless b > a. */
  static PyScalar max(PyScalar a, PyScalar b) { return b.gt(a) ? b : a; }
}
