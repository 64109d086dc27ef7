package dev.tcompile.nn;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;

/**
 * {@code nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False)} with equal
 * query/key/value sizes: parameters {@code in_proj_weight [3E, E]}, {@code in_proj_bias [3E]} and
 * {@code out_proj}. Inputs are (L, N, E) ((N, L, E) with batch_first, or unbatched (L, E)). Masks: bool
 * (true = not attended) or float (added to the scores); key_padding_mask is (N, S), attn_mask (L, S) or
 * (N * num_heads, L, S).
 */
public class MultiheadAttention extends Module {
  /** The attention output and, when asked for, the attention weights (N, L, S), averaged over heads unless not. */
  public record Output(Tensor output, Tensor weights) {}

  private final int embedDim, numHeads, headDim;
  private final double dropout;
  private final boolean batchFirst;
  private final Parameter inProjWeight, inProjBias;
  private final Linear outProj;

  public MultiheadAttention(int embedDim, int numHeads) { this(embedDim, numHeads, 0, true, false); }

  public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, boolean batchFirst) {
    if (embedDim % numHeads != 0) throw new TorchException("embed_dim must be divisible by num_heads");
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    inProjWeight = registerParameter("in_proj_weight", new Parameter(Torch.empty(3 * embedDim, embedDim)));
    inProjBias = registerParameter("in_proj_bias", bias ? new Parameter(Torch.empty(3 * embedDim)) : null);
    outProj = register("out_proj", new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias));
    Init.xavierUniform_(inProjWeight);
    if (bias) {
      Init.zeros_(inProjBias);
      Init.zeros_(outProj.bias());
    }
  }

  /** PyTorch's name for the output projection: a Linear. */
  static final class NonDynamicallyQuantizableLinear extends Linear {
    NonDynamicallyQuantizableLinear(int in, int out, boolean bias) { super(in, out, bias); }
  }

  public Parameter inProjWeight() { return inProjWeight; }
  public Parameter inProjBias() { return inProjBias; }
  public Linear outProj() { return outProj; }

  /** Self-attention needs (x, x, x): {@code forward(query, key, value)} returns the attention output. */
  @Override public Tensor forward(Tensor... in) {
    expectInputs(in, 3);
    return forward(in[0], in[1], in[2]);
  }

  public Tensor forward(Tensor query, Tensor key, Tensor value) {
    return forwardWithWeights(query, key, value, null, false, null, true).output();
  }

  /** PyTorch's {@code forward(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights)}. */
  public Output forwardWithWeights(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights, Tensor attnMask,
                                   boolean averageAttnWeights) {
    boolean batched = query.dim() == 3;
    if (!batched) {
      query = query.unsqueeze(1);
      key = key.unsqueeze(1);
      value = value.unsqueeze(1);
      if (keyPaddingMask != null) keyPaddingMask = keyPaddingMask.unsqueeze(0);
    } else if (batchFirst) {
      query = query.transpose(0, 1);
      key = key.transpose(0, 1);
      value = value.transpose(0, 1);
    }
    int tgtLen = query.size(0), bsz = query.size(1), srcLen = key.size(0);
    if (query.size(2) != embedDim)
      throw new TorchException("was expecting embedding dimension of " + embedDim + ", but got " + query.size(2));
    Tensor q = project(query, 0), k = project(key, 1), v = project(value, 2);
    q = heads(q, tgtLen, bsz);
    k = heads(k, srcLen, bsz);
    v = heads(v, srcLen, bsz);
    Tensor scores = q.div(Math.sqrt(headDim)).bmm(k.transpose(-2, -1));
    Tensor mask = additiveMask(attnMask, keyPaddingMask, bsz, tgtLen, srcLen);
    if (mask != null) scores = scores.add(mask);
    Tensor weights = scores.softmax(-1);
    if (dropout > 0 && isTraining()) weights = F.dropout(weights, dropout, true);
    Tensor out = weights.bmm(v).transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
    out = outProj.forward(out).view(tgtLen, bsz, embedDim);
    if (batched && batchFirst) out = out.transpose(0, 1);
    if (!batched) out = out.squeeze(1);
    Tensor w = null;
    if (needWeights) {
      w = weights.view(bsz, numHeads, tgtLen, srcLen);
      if (averageAttnWeights) w = w.sum(1, false).div((double) numHeads);
      if (!batched) w = w.squeeze(0);
    }
    return new Output(out, w);
  }

  /** The i-th of the packed q/k/v projections. */
  private Tensor project(Tensor x, int i) {
    Tensor w = inProjWeight.narrow(0, i * embedDim, embedDim);
    Tensor b = inProjBias == null ? null : inProjBias.narrow(0, i * embedDim, embedDim);
    return F.linear(x, w, b);
  }

  /** (len, N, E) -> (N * heads, len, head_dim). */
  private Tensor heads(Tensor x, int len, int bsz) { return x.contiguous().view(len, bsz * numHeads, headDim).transpose(0, 1); }

  /** Both masks as one float mask to add to the (N * heads, L, S) scores; null when there is none. */
  private Tensor additiveMask(Tensor attnMask, Tensor keyPaddingMask, int bsz, int tgtLen, int srcLen) {
    Tensor mask = null;
    if (attnMask != null) {
      Tensor m = attnMask.dim() == 2 ? attnMask.unsqueeze(0) : attnMask;
      int[] want = attnMask.dim() == 2 ? new int[]{1, tgtLen, srcLen} : new int[]{bsz * numHeads, tgtLen, srcLen};
      if (!java.util.Arrays.equals(m.shapeArray(), want))
        throw new TorchException("The shape of the " + attnMask.dim() + "D attn_mask is " + attnMask.shape() + ", but should be "
            + (attnMask.dim() == 2 ? PyRepr.tuple(tgtLen, srcLen) : PyRepr.tuple(want)) + ".");
      mask = additive(m);
    }
    if (keyPaddingMask != null) {
      if (keyPaddingMask.dim() != 2 || keyPaddingMask.size(0) != bsz || keyPaddingMask.size(1) != srcLen)
        throw new TorchException("expecting key_padding_mask shape of " + PyRepr.tuple(bsz, srcLen) + ", but got " + keyPaddingMask.shape());
      Tensor kpm = additive(keyPaddingMask).view(bsz, 1, 1, srcLen).expand(bsz, numHeads, 1, srcLen).reshape(bsz * numHeads, 1, srcLen);
      mask = mask == null ? kpm : mask.add(kpm);
    }
    return mask;
  }

  private static Tensor additive(Tensor m) {
    return m.dtype() == DType.BOOL ? Torch.zeros(m.shapeArray()).maskedFill(m, Double.NEGATIVE_INFINITY) : m;
  }
}
