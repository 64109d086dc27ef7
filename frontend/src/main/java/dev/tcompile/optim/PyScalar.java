package dev.tcompile.optim;

import dev.tcompile.Tensor;

/**
 * A number in PyTorch's LBFGS as Python holds it: a Python float (double arithmetic) or a 0-d tensor of the
 * parameters' dtype, float32 or float64 ({@code wide}). Arithmetic follows PyTorch's promotion: when either side
 * is a float32 tensor and neither a float64 one, both are rounded to float32 and the result is a float32 tensor
 * (comparisons too); with a float64 tensor the arithmetic is double's, as a Python float's. This keeps the line
 * search's step sizes and tests on PyTorch's roundings.
 */
record PyScalar(double value, boolean tensor, boolean wide) {
  static PyScalar of(double v) { return new PyScalar(v, false, false); }

  static PyScalar of(Tensor zeroDim) { return new PyScalar(zeroDim.itemDouble(), true, zeroDim.dtype() == dev.tcompile.DType.FLOAT64); }

  static PyScalar f32(float v) { return new PyScalar(v, true, false); }

  static PyScalar f64(double v) { return new PyScalar(v, true, true); }

  /** Whether an operation of this and {@code o} rounds to float32 (a float32 tensor and no float64 one). */
  private boolean narrowWith(PyScalar o) { return (tensor && !wide || o.tensor && !o.wide) && !wide && !o.wide; }

  private PyScalar result(PyScalar o, char op) {
    double a = value, b = o.value;
    if (narrowWith(o)) {
      float x = (float) a, y = (float) b;
      float r = switch (op) { case '+' -> x + y; case '-' -> x - y; case '*' -> x * y; default -> x / y; };
      return f32(r);
    }
    double r = switch (op) { case '+' -> a + b; case '-' -> a - b; case '*' -> a * b; default -> a / b; };
    return new PyScalar(r, tensor || o.tensor, wide || o.wide);
  }

  PyScalar add(PyScalar o) { return result(o, '+'); }
  PyScalar sub(PyScalar o) { return result(o, '-'); }
  PyScalar mul(PyScalar o) { return result(o, '*'); }
  PyScalar div(PyScalar o) { return result(o, '/'); }
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

  PyScalar neg() { return new PyScalar(-value, tensor, wide); }
  PyScalar abs() { return new PyScalar(Math.abs(value), tensor, wide); }
  PyScalar sqrt() { return tensor && !wide ? f32((float) Math.sqrt((float) value)) : new PyScalar(Math.sqrt(value), tensor, wide); }
  PyScalar square() { return mul(this); }

  /** {@code this < o} as Python evaluates it. */
  boolean lt(PyScalar o) { return narrowWith(o) ? (float) value < (float) o.value : value < o.value; }
  boolean le(PyScalar o) { return narrowWith(o) ? (float) value <= (float) o.value : value <= o.value; }
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

  /**
   * {@code a.dot(b)} of two flat tensors of one dtype, as PyTorch's BLAS sums it ({@link BlasDot}).
   */
  static PyScalar dot(Tensor a, Tensor b) {
    return a.dtype() == dev.tcompile.DType.FLOAT64 ? f64(BlasDot.ddot(a, b)) : f32(BlasDot.sdot(a, b));
  }
}
