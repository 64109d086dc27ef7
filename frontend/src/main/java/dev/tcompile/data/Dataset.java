package dev.tcompile.data;

/** {@code torch.utils.data.Dataset}: a fixed number of items read by index ({@code len(ds)}, {@code ds[i]}). */
public interface Dataset<T> {
  int size();

  T get(int index);
}
