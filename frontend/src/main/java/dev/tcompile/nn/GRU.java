package dev.tcompile.nn;

import dev.tcompile.Tensor;

/**
 * {@code nn.GRU}: gates in PyTorch's order (reset, update, new): {@code n = tanh(x_n + r * (h W_hn^T + b_hn))},
 * {@code h' = (1 - z) * n + z * h}.
 */
public class GRU extends RNNBase {
  public GRU(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1, true, false, 0, false); }

  public GRU(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, true, false, 0, false); }

  public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional) {
    super(3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
  }

  @Override Tensor[] step(Tensor gx, Tensor h, Tensor c, Parameter whh, Parameter bhh) {
    Tensor gh = F.linear(h, whh, bhh);
    Tensor r = gate(gx, 0).add(gate(gh, 0)).sigmoid(), z = gate(gx, 1).add(gate(gh, 1)).sigmoid();
    Tensor n = gate(gx, 2).add(r.mul(gate(gh, 2))).tanh();
    return new Tensor[]{n.add(z.mul(h.sub(n))), null};
  }
}
