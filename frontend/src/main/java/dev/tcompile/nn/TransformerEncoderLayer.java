package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;

/**
 * {@code nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu',
 * layer_norm_eps=1e-5, batch_first=False, norm_first=False)}: self-attention then a feed-forward block, each
 * with a residual connection and layer norm (after, or before with norm_first).
 */
public class TransformerEncoderLayer extends Module {
  private final MultiheadAttention selfAttn;
  private final Linear linear1, linear2;
  private final Dropout dropout, dropout1, dropout2;
  private final LayerNorm norm1, norm2;
  private final boolean normFirst, gelu;

  public TransformerEncoderLayer(int dModel, int nhead) { this(dModel, nhead, 2048, 0.1, "relu", 1e-5, false, false); }

  public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation, double layerNormEps,
                                 boolean batchFirst, boolean normFirst) {
    if (!activation.equals("relu") && !activation.equals("gelu"))
      throw new TorchException("activation should be relu/gelu, not " + activation);
    selfAttn = register("self_attn", new MultiheadAttention(dModel, nhead, dropout, true, batchFirst));
    linear1 = register("linear1", new Linear(dModel, dimFeedforward));
    this.dropout = register("dropout", new Dropout(dropout));
    linear2 = register("linear2", new Linear(dimFeedforward, dModel));
    norm1 = register("norm1", new LayerNorm(new int[]{dModel}, layerNormEps, true));
    norm2 = register("norm2", new LayerNorm(new int[]{dModel}, layerNormEps, true));
    dropout1 = register("dropout1", new Dropout(dropout));
    dropout2 = register("dropout2", new Dropout(dropout));
    this.normFirst = normFirst;
    this.gelu = activation.equals("gelu");
  }

  @Override public Tensor forward(Tensor src) { return forward(src, null, null); }

  /** {@code forward(src, src_mask, src_key_padding_mask)}; either mask may be null. */
  public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask) {
    Tensor x = src;
    if (normFirst) {
      x = x.add(selfAttentionBlock(norm1.forward(x), srcMask, srcKeyPaddingMask));
      return x.add(feedForwardBlock(norm2.forward(x)));
    }
    x = norm1.forward(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask)));
    return norm2.forward(x.add(feedForwardBlock(x)));
  }

  private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor keyPaddingMask) {
    return dropout1.forward(selfAttn.forwardWithWeights(x, x, x, keyPaddingMask, false, mask, true).output());
  }

  private Tensor feedForwardBlock(Tensor x) {
    Tensor h = linear1.forward(x);
    h = gelu ? F.gelu(h) : F.relu(h);
    return dropout2.forward(linear2.forward(dropout.forward(h)));
  }

  public MultiheadAttention selfAttn() { return selfAttn; }
}
