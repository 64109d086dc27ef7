package dev.tcompile.data;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/**
 * One collated batch: the items' fields stacked along a new first dimension. Python unpacks
 * {@code images, labels = batch}; here {@link #inputs()} is field 0 and {@link #labels()} field 1.
 */
public final class Batch {
  private final Tensor[] fields;

  public Batch(Tensor... fields) {
    if (fields.length == 0) throw new TorchException("a Batch needs at least one field");
    this.fields = fields.clone();
  }

  /** The first field (the images of a vision data set). */
  public Tensor inputs() { return fields[0]; }

  /** The second field (int64 class indices for vision data sets). */
  public Tensor labels() {
    if (fields.length < 2) throw new TorchException("this batch has 1 field and no labels");
    return fields[1];
  }

  /** The i-th stacked field. */
  public Tensor get(int i) {
    if (i < 0 || i >= fields.length)
      throw new TorchException("batch field index " + i + " is out of range for a batch of " + fields.length + " fields");
    return fields[i];
  }

  /** The number of fields ({@code len(batch)} in Python). */
  public int size() { return fields.length; }

  /** The number of samples (the first dimension of every field). */
  public int batchSize() { return fields[0].size(0); }

  public Tensor[] fields() { return fields.clone(); }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("Batch(");
    for (int i = 0; i < fields.length; i++) sb.append(i == 0 ? "" : ", ").append(fields[i].shape());
    return sb.append(')').toString();
  }
}
