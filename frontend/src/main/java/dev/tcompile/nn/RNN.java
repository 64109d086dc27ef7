package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/** {@code nn.RNN}: {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)} (or relu). */
public class RNN extends RNNBase {
  private final boolean relu;

  public RNN(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1, "tanh", true, false, 0, false); }

  public RNN(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, "tanh", true, false, 0, false); }

  public RNN(int inputSize, int hiddenSize, int numLayers, String nonlinearity, boolean bias, boolean batchFirst, double dropout,
             boolean bidirectional) {
    super(1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
    if (!nonlinearity.equals("tanh") && !nonlinearity.equals("relu"))
      throw new TorchException("Unknown nonlinearity '" + nonlinearity + "'. Select from 'tanh' or 'relu'.");
    this.relu = nonlinearity.equals("relu");
  }

  @Override Tensor[] step(Tensor gx, Tensor h, Tensor c, Parameter whh, Parameter bhh) {
    Tensor pre = gx.add(F.linear(h, whh, bhh));
    return new Tensor[]{relu ? pre.relu() : pre.tanh(), null};
  }
}
