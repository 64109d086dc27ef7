package dev.tcompile.nn;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.Torch;

/** {@code nn.Linear(in_features, out_features, bias=True)}: {@code y = x @ weight.T + bias}. */
public class Linear extends Module {
  private final int inFeatures, outFeatures;
  private final Parameter weight, bias;

  public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

  public Linear(int inFeatures, int outFeatures, boolean bias) { this(inFeatures, outFeatures, bias, DType.FLOAT32); }

  /** {@code nn.Linear(..., dtype=torch.float64)}: parameters of {@code dtype}, initialised from the same random stream. */
  public Linear(int inFeatures, int outFeatures, boolean bias, DType dtype) {
    if (!dtype.isFloatingPoint()) throw new TorchException("nn.Linear: parameters must be floating point, got " + dtype);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    weight = registerParameter("weight", new Parameter(Torch.empty(dtype, outFeatures, inFeatures)));
    this.bias = registerParameter("bias", bias ? new Parameter(Torch.empty(dtype, outFeatures)) : null);
    resetParameters();
  }

  /** PyTorch's default initialisation (kaiming uniform weight, U(+-1/sqrt(in_features)) bias). */
  public void resetParameters() { Init.defaultLayerInit(weight, bias); }

  @Override public Tensor forward(Tensor x) { return F.linear(x, weight, bias); }

  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }
  public int inFeatures() { return inFeatures; }
  public int outFeatures() { return outFeatures; }

  @Override protected String extraRepr() {
    return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + PyRepr.of(bias != null);
  }
}
