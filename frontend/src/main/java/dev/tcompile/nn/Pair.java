package dev.tcompile.nn;

/** A 2-d argument given as one int or as a pair; it prints the way it was given, as PyTorch's reprs do. */
record Pair(int h, int w, boolean scalar) {
  static Pair of(int v) { return new Pair(v, v, true); }

  static Pair of(int[] v) {
    if (v.length != 2) throw new dev.tcompile.TorchException("expected 2 values, got " + v.length);
    return new Pair(v[0], v[1], false);
  }

  int[] values() { return new int[]{h, w}; }

  @Override public String toString() { return PyRepr.intOrTuple(values(), scalar); }
}
