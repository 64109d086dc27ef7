package dev.tcompile.nn;

import dev.tcompile.Size;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code RNNBase}: stacked (optionally bidirectional) recurrent layers unrolled over time from
 * ordinary ops. Parameters are {@code weight_ih_l{k}[_reverse]}, {@code weight_hh_l{k}}, {@code bias_ih_l{k}},
 * {@code bias_hh_l{k}}, each of {@code gates * hidden_size} rows in PyTorch's gate order, initialised
 * U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)). Input is (L, N, H_in), or (N, L, H_in) with batch_first,
 * or unbatched (L, H_in).
 */
public abstract class RNNBase extends Module {
  /** What PyTorch's forward returns: the output sequence, the final hidden state and (LSTM only) the final cell state. */
  public record Output(Tensor output, Tensor hN, Tensor cN) {}

  protected final int inputSize, hiddenSize, numLayers;
  protected final boolean bias, batchFirst, bidirectional;
  protected final double dropout;
  private final List<Parameter[]> cells = new ArrayList<>();

  protected RNNBase(int gates, int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
                    boolean bidirectional) {
    if (dropout < 0 || dropout > 1) throw new TorchException("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    if (hiddenSize <= 0) throw new TorchException("hidden_size must be greater than zero");
    if (numLayers <= 0) throw new TorchException("num_layers must be greater than zero");
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    for (int layer = 0; layer < numLayers; layer++)
      for (int dir = 0; dir < directions(); dir++) {
        int in = layer == 0 ? inputSize : hiddenSize * directions();
        String sfx = layer + (dir == 1 ? "_reverse" : "");
        Parameter wih = registerParameter("weight_ih_l" + sfx, new Parameter(Torch.empty(gates * hiddenSize, in)));
        Parameter whh = registerParameter("weight_hh_l" + sfx, new Parameter(Torch.empty(gates * hiddenSize, hiddenSize)));
        Parameter bih = bias ? registerParameter("bias_ih_l" + sfx, new Parameter(Torch.empty(gates * hiddenSize))) : null;
        Parameter bhh = bias ? registerParameter("bias_hh_l" + sfx, new Parameter(Torch.empty(gates * hiddenSize))) : null;
        cells.add(new Parameter[]{wih, whh, bih, bhh});
      }
    resetParameters();
  }

  public void resetParameters() {
    double stdv = 1.0 / Math.sqrt(hiddenSize);
    for (Parameter p : parameters()) Init.uniform_(p, -stdv, stdv);
  }

  int directions() { return bidirectional ? 2 : 1; }

  /** One time step of one cell: {@code gx} is the input's projection (with bias), returns the new {h, c}. */
  abstract Tensor[] step(Tensor gx, Tensor h, Tensor c, Parameter whh, Parameter bhh);

  /** Whether the cell has a cell state (LSTM). */
  boolean hasCellState() { return false; }

  @Override public Tensor forward(Tensor input) { return forwardWithState(input).output(); }

  /** PyTorch's {@code forward(input, hx)}: hx is (h0) or, for LSTM, (h0, c0); none means zeros. */
  public Output forwardWithState(Tensor input, Tensor... hx) {
    boolean batched = input.dim() == 3;
    int batchDim = batchFirst ? 0 : 1;
    Tensor x = batched ? input : input.unsqueeze(batchDim);
    if (x.dim() != 3) throw new TorchException("input must have 3 dimensions, got " + x.dim());
    if (x.size(-1) != inputSize)
      throw new TorchException("input.size(-1) must be equal to input_size. Expected " + inputSize + ", got " + x.size(-1));
    if (batchFirst) x = x.transpose(0, 1);
    int n = x.size(1), states = numLayers * directions();
    int expectedStates = hasCellState() ? 2 : 1;
    if (hx.length != 0 && hx.length != expectedStates)
      throw new TorchException(typeName() + " takes " + expectedStates + " initial state tensor(s), got " + hx.length);
    Tensor[] init = new Tensor[expectedStates];
    for (int k = 0; k < expectedStates; k++) {
      Tensor s = hx.length == 0 ? Torch.zeros(states, n, hiddenSize) : (batched ? hx[k] : hx[k].unsqueeze(1));
      Size want = Size.of(states, n, hiddenSize);
      if (!s.shape().equals(want))
        throw new TorchException("Expected hidden" + (hasCellState() ? "[" + k + "]" : "") + " size (" + states + ", " + n + ", " + hiddenSize
            + "), got " + Shapes.str(s.shapeArray()));
      init[k] = s;
    }
    List<Tensor> hOut = new ArrayList<>(), cOut = new ArrayList<>();
    Tensor layerInput = x;
    for (int layer = 0; layer < numLayers; layer++) {
      List<Tensor> dirOutputs = new ArrayList<>();
      for (int dir = 0; dir < directions(); dir++) {
        int idx = layer * directions() + dir;
        Tensor h = init[0].select(0, idx), c = hasCellState() ? init[1].select(0, idx) : null;
        Tensor[] r = runDirection(layerInput, cells.get(idx), dir == 1, h, c);
        dirOutputs.add(r[0]);
        hOut.add(r[1]);
        if (hasCellState()) cOut.add(r[2]);
      }
      layerInput = dirOutputs.size() == 1 ? dirOutputs.get(0) : Torch.cat(2, dirOutputs.toArray(new Tensor[0]));
      if (dropout > 0 && isTraining() && layer < numLayers - 1) layerInput = F.dropout(layerInput, dropout, true);
    }
    Tensor out = batchFirst ? layerInput.transpose(0, 1) : layerInput;
    Tensor hN = Torch.stack(0, hOut.toArray(new Tensor[0]));
    Tensor cN = hasCellState() ? Torch.stack(0, cOut.toArray(new Tensor[0])) : null;
    if (!batched) {
      out = out.squeeze(batchDim);
      hN = hN.squeeze(1);
      if (cN != null) cN = cN.squeeze(1);
    }
    return new Output(out, hN, cN);
  }

  /** One layer in one direction over (L, N, in): returns {outputs (L, N, H), h_n, c_n}. */
  private Tensor[] runDirection(Tensor x, Parameter[] p, boolean reverse, Tensor h, Tensor c) {
    Tensor gatesX = F.linear(x, p[0], p[2]);
    int len = x.size(0);
    Tensor[] outs = new Tensor[len];
    for (int k = 0; k < len; k++) {
      int t = reverse ? len - 1 - k : k;
      Tensor[] hc = step(gatesX.select(0, t), h, c, p[1], p[3]);
      h = hc[0];
      c = hc[1];
      outs[t] = h;
    }
    return new Tensor[]{Torch.stack(0, outs), h, c};
  }

  /** Gate {@code i} of a stacked gate projection. */
  Tensor gate(Tensor g, int i) { return g.narrow(-1, i * hiddenSize, hiddenSize); }

  @Override protected String extraRepr() {
    StringBuilder s = new StringBuilder(inputSize + ", " + hiddenSize);
    if (numLayers != 1) s.append(", num_layers=").append(numLayers);
    if (!bias) s.append(", bias=False");
    if (batchFirst) s.append(", batch_first=True");
    if (dropout != 0) s.append(", dropout=").append(PyRepr.of(dropout));
    if (bidirectional) s.append(", bidirectional=True");
    return s.toString();
  }
}
