package dev.tcompile.runtime;

/** Stride arithmetic for views: can a strided array be reshaped without a copy, and with what strides. */
public final class ViewMath {
  private ViewMath() {}

  /**
   * Strides that present {@code oldShape}/{@code oldStrides} as {@code newShape} without copying, or null when
   * impossible (PyTorch's {@code at::detail::computeStride}).
   */
  public static int[] computeStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
    int[] newStrides = new int[newShape.length];
    if (oldShape.length == 0) {
      java.util.Arrays.fill(newStrides, 1);
      return newStrides;
    }
    if (Shapes.numel(oldShape) == 0)
      return java.util.Arrays.equals(oldShape, newShape) ? oldStrides.clone() : Shapes.contiguousStrides(newShape);
    int viewD = newShape.length - 1;
    int chunkBase = oldStrides.length == 0 ? 1 : oldStrides[oldStrides.length - 1];
    long tensorNumel = 1, viewNumel = 1;
    for (int d = oldShape.length - 1; d >= 0; d--) {
      tensorNumel *= oldShape[d];
      if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
        while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
          newStrides[viewD] = (int) (viewNumel * chunkBase);
          viewNumel *= newShape[viewD];
          viewD--;
        }
        if (viewNumel != tensorNumel) return null;
        if (d > 0) {
          chunkBase = oldStrides[d - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    if (viewD != -1) return null;
    return newStrides;
  }
}
