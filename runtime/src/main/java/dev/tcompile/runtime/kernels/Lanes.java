package dev.tcompile.runtime.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Fixed-order combination of vector lanes. {@code reduceLanes(ADD)} leaves the order unspecified, and the JIT's
 * intrinsic and the interpreter's fallback do add in different orders, so a result would change once C2 compiles
 * the loop; these pairwise trees give the same bits on every tier and every run.
 */
final class Lanes {
  private Lanes() {}

  /** Sum of the lanes as a pairwise tree: ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)) for 8 lanes, and so on. */
  static float sum(FloatVector v) {
    switch (v.length()) {
      case 4: return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
      case 8: return ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3))) + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
      case 16: return (((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3))) + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7))))
          + (((v.lane(8) + v.lane(9)) + (v.lane(10) + v.lane(11))) + ((v.lane(12) + v.lane(13)) + (v.lane(14) + v.lane(15))));
      default: return tree(v.toArray(), 0, v.length());
    }
  }

  /**
   * {@link #tree}{@code (a, from, n)} written out for the vector lengths there are (4, 8, 16 floats): the
   * recursive form is not inlined by the JIT, and hot loops sum a vector's lanes from memory on every call.
   */
  static float treeOfVector(float[] a, int o, int n) {
    return switch (n) {
      case 4 -> (a[o] + a[o + 1]) + (a[o + 2] + a[o + 3]);
      case 8 -> ((a[o] + a[o + 1]) + (a[o + 2] + a[o + 3])) + ((a[o + 4] + a[o + 5]) + (a[o + 6] + a[o + 7]));
      case 16 -> (((a[o] + a[o + 1]) + (a[o + 2] + a[o + 3])) + ((a[o + 4] + a[o + 5]) + (a[o + 6] + a[o + 7])))
          + (((a[o + 8] + a[o + 9]) + (a[o + 10] + a[o + 11])) + ((a[o + 12] + a[o + 13]) + (a[o + 14] + a[o + 15])));
      default -> tree(a, o, n);
    };
  }

  /** Pairwise sum of {@code a[from..from+n)}, halves split at {@code n/2}: the same order for the same n. */
  static float tree(float[] a, int from, int n) {
    if (n == 1) return a[from];
    if (n == 2) return a[from] + a[from + 1];
    int h = n / 2;
    return tree(a, from, h) + tree(a, from + h, n - h);
  }
}
