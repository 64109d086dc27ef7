package dev.tcompile.nn;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;

/** {@code nn.Embedding(num_embeddings, embedding_dim, padding_idx=None)}: weight N(0, 1), padding row zero. */
public class Embedding extends Module {
  private final int numEmbeddings, embeddingDim;
  private final Integer paddingIdx;
  private final Parameter weight;

  public Embedding(int numEmbeddings, int embeddingDim) { this(numEmbeddings, embeddingDim, null); }

  public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) { this(numEmbeddings, embeddingDim, paddingIdx, DType.FLOAT32); }

  /** {@code nn.Embedding(..., dtype=torch.float64)}: a weight of {@code dtype}, initialised from the same random stream. */
  public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, DType dtype) {
    if (!dtype.isFloatingPoint()) throw new TorchException("nn.Embedding: the weight must be floating point, got " + dtype);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    if (paddingIdx != null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings))
      throw new TorchException("Padding_idx must be within num_embeddings");
    this.paddingIdx = paddingIdx == null ? null : (paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx);
    weight = registerParameter("weight", new Parameter(Torch.empty(dtype, numEmbeddings, embeddingDim)));
    resetParameters();
  }

  public void resetParameters() {
    Init.normal_(weight, 0, 1);
    if (paddingIdx != null) try (var g = Torch.noGrad()) { weight.select(0, paddingIdx).fill_(0); }
  }

  @Override public Tensor forward(Tensor indices) { return F.embedding(indices, weight, paddingIdx); }

  public Parameter weight() { return weight; }

  @Override protected String extraRepr() {
    return numEmbeddings + ", " + embeddingDim + (paddingIdx != null ? ", padding_idx=" + paddingIdx : "");
  }
}
