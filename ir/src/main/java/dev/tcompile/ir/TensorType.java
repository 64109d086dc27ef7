package dev.tcompile.ir;

import dev.tcompile.DType;
import dev.tcompile.runtime.Shapes;
import java.util.Arrays;

/** Static type of a value: dtype and a concrete shape. Prints as {@code f32[2, 3]}. */
public record TensorType(DType dtype, int[] shape) {
  public TensorType {
    shape = shape.clone();
  }

  public static TensorType of(DType dtype, int... shape) { return new TensorType(dtype, shape); }

  public int dim() { return shape.length; }
  public long numel() { return Shapes.numel(shape); }
  public int size(int d) { return shape[d]; }
  public TensorType withShape(int... s) { return new TensorType(dtype, s); }
  public TensorType withDType(DType d) { return new TensorType(d, shape); }

  @Override public boolean equals(Object o) {
    return o instanceof TensorType t && t.dtype == dtype && Arrays.equals(t.shape, shape);
  }

  @Override public int hashCode() { return dtype.hashCode() * 31 + Arrays.hashCode(shape); }

  @Override public String toString() { return dtype.irName() + Shapes.str(shape); }
}
