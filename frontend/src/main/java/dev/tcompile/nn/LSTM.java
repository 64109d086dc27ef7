package dev.tcompile.nn;

import dev.tcompile.Tensor;

/**
 * {@code nn.LSTM}: gates in PyTorch's order (input, forget, cell, output): {@code c' = f * c + i * g},
 * {@code h' = o * tanh(c')}. {@link #forwardWithState} takes (h0, c0) and returns the final h and c.
 */
public class LSTM extends RNNBase {
  public LSTM(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1, true, false, 0, false); }

  public LSTM(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, true, false, 0, false); }

  public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional) {
    super(4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
  }

  @Override boolean hasCellState() { return true; }

  @Override Tensor[] step(Tensor gx, Tensor h, Tensor c, Parameter whh, Parameter bhh) {
    Tensor g = gx.add(F.linear(h, whh, bhh));
    Tensor i = gate(g, 0).sigmoid(), f = gate(g, 1).sigmoid(), cell = gate(g, 2).tanh(), o = gate(g, 3).sigmoid();
    Tensor c2 = f.mul(c).add(i.mul(cell));
    return new Tensor[]{o.mul(c2.tanh()), c2};
  }
}
