package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;

/** {@code nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)} over the trailing dims. */
public class LayerNorm extends Module {
  private final int[] normalizedShape;
  private final double eps;
  private final Parameter weight, bias;

  public LayerNorm(int... normalizedShape) { this(normalizedShape, 1e-5, true); }

  public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
    this.normalizedShape = normalizedShape.clone();
    this.eps = eps;
    weight = registerParameter("weight", elementwiseAffine ? new Parameter(Torch.ones(normalizedShape)) : null);
    bias = registerParameter("bias", elementwiseAffine ? new Parameter(Torch.zeros(normalizedShape)) : null);
  }

  @Override public Tensor forward(Tensor x) { return F.layerNorm(x, normalizedShape, weight, bias, eps); }

  public Parameter weight() { return weight; }
  public Parameter bias() { return bias; }

  @Override protected String extraRepr() {
    return PyRepr.tuple(normalizedShape) + ", eps=" + PyRepr.of(eps) + ", elementwise_affine=" + PyRepr.of(weight != null);
  }
}
