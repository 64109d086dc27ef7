package dev.tcompile.data;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * PyTorch's {@code default_collate}: a list of items becomes one {@link Batch}. An item is a Tensor (one
 * field), a {@code Tensor[]} or {@code List} (one field per position) or a record such as
 * {@code vision.Sample} (one field per component). Tensors are stacked along a new first dimension; integers
 * become an int64 tensor, floating point numbers float32, booleans bool.
 */
public final class Collate {
  private Collate() {}

  public static Batch batch(List<?> items) {
    if (items.isEmpty()) throw new TorchException("default_collate: cannot collate an empty batch");
    int n = fieldsOf(items.get(0)).length;
    Object[][] columns = new Object[n][items.size()];
    for (int i = 0; i < items.size(); i++) {
      Object[] f = fieldsOf(items.get(i));
      if (f.length != n) throw new TorchException("each element in list of batch should be of equal size");
      for (int k = 0; k < n; k++) columns[k][i] = f[k];
    }
    Tensor[] fields = new Tensor[n];
    for (int k = 0; k < n; k++) fields[k] = stack(columns[k]);
    return new Batch(fields);
  }

  private static Object[] fieldsOf(Object item) {
    if (item instanceof Tensor || item instanceof Number || item instanceof Boolean) return new Object[]{item};
    if (item instanceof Object[] a) return a;
    if (item instanceof List<?> l) return l.toArray();
    if (item instanceof Record r) return components(r);
    throw unsupported(item);
  }

  private static Object[] components(Record r) {
    RecordComponent[] cs = r.getClass().getRecordComponents();
    Object[] out = new Object[cs.length];
    try {
      for (int i = 0; i < cs.length; i++) {
        var accessor = cs[i].getAccessor();
        accessor.setAccessible(true);
        out[i] = accessor.invoke(r);
      }
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new TorchException("default_collate: cannot read the components of " + r.getClass().getName() + ": " + e);
    }
    return out;
  }

  private static Tensor stack(Object[] column) {
    Object first = column[0];
    if (first instanceof Tensor) {
      Tensor[] ts = new Tensor[column.length];
      for (int i = 0; i < ts.length; i++) ts[i] = (Tensor) expect(column[i], Tensor.class);
      return Torch.stack(0, ts);
    }
    if (first instanceof Long || first instanceof Integer || first instanceof Short || first instanceof Byte) {
      long[] v = new long[column.length];
      for (int i = 0; i < v.length; i++) v[i] = ((Number) expect(column[i], Number.class)).longValue();
      return Torch.tensor(v);
    }
    if (first instanceof Number) {
      float[] v = new float[column.length];
      for (int i = 0; i < v.length; i++) v[i] = ((Number) expect(column[i], Number.class)).floatValue();
      return Torch.tensor(v);
    }
    if (first instanceof Boolean) {
      boolean[] v = new boolean[column.length];
      for (int i = 0; i < v.length; i++) v[i] = (Boolean) expect(column[i], Boolean.class);
      return Torch.tensor(v);
    }
    throw unsupported(first);
  }

  private static Object expect(Object o, Class<?> type) {
    if (!type.isInstance(o))
      throw new TorchException("default_collate: items of one batch disagree: expected " + type.getSimpleName()
          + ", found " + (o == null ? "null" : o.getClass().getSimpleName()));
    return o;
  }

  private static TorchException unsupported(Object o) {
    return new TorchException("default_collate: batch must contain tensors, numbers, arrays, lists or records; found "
        + (o == null ? "null" : o.getClass().getName()));
  }
}
