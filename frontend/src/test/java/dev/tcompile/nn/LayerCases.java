package dev.tcompile.nn;

import dev.tcompile.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Java side of every case in tools/goldens/nn.py: the same module (its parameters are then loaded from the
 * golden state dict) or function, written as a user porting the Python would write it.
 */
final class LayerCases {
  private LayerCases() {}

  interface Run { Tensor[] apply(Module m, Tensor[] in); }

  record Case(Supplier<Module> module, Run run) {}

  static final Map<String, Case> CASES = new LinkedHashMap<>();

  private static void module(String name, Supplier<Module> m) { CASES.put(name, new Case(m, (mod, in) -> new Tensor[]{mod.forward(in)})); }

  private static void module(String name, Supplier<Module> m, Run run) { CASES.put(name, new Case(m, run)); }

  private static void fn(String name, java.util.function.Function<Tensor[], Tensor> f) {
    CASES.put(name, new Case(null, (mod, in) -> new Tensor[]{f.apply(in)}));
  }

  private static Tensor[] rnn(RNNBase.Output o) {
    return o.cN() == null ? new Tensor[]{o.output(), o.hN()} : new Tensor[]{o.output(), o.hN(), o.cN()};
  }

  static {
    module("linear", () -> new Linear(5, 3));
    module("linear_nobias_3d", () -> new Linear(5, 3, false));
    module("linear_3d", () -> new Linear(5, 3));
    module("linear_1d", () -> new Linear(5, 3));
    module("conv_basic", () -> new Conv2d(3, 4, 3));
    module("conv_stride_pad", () -> new Conv2d(4, 6, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}));
    module("conv_dilation", () -> new Conv2d(4, 6, new int[]{3, 5}, new int[]{2, 1}, new int[]{4, 2}, new int[]{3, 1}));
    module("conv_groups", () -> new Conv2d(4, 6, 3, 1, 1, 1, 2, false));
    module("conv_depthwise", () -> new Conv2d(Conv2d.options(4, 8, 3).stride(2).groups(4)));
    module("conv_reflect", () -> new Conv2d(Conv2d.options(2, 3, 3).padding(1).paddingMode("reflect")));
    module("conv_replicate", () -> new Conv2d(Conv2d.options(2, 3, new int[]{3, 2}).padding(1, 2).paddingMode("replicate")));
    module("conv_circular", () -> new Conv2d(2, 3, 3, 2, 1, 1, 1, true, "circular"));
    module("conv_same", () -> new Conv2d(Conv2d.options(2, 3, new int[]{3, 4}).padding("same").dilation(1, 2)));
    module("conv_unbatched", () -> new Conv2d(2, 3, 3));
    fn("f_conv2d_seed", in -> F.conv2d(in[0], in[1], null, 1, 1, 1, 1));
    fn("f_conv2d_bias_groups", in -> F.conv2d(in[0], in[1], in[2], new int[]{2, 1}, new int[]{1, 2}, new int[]{1, 2}, 2));
    module("maxpool", () -> new MaxPool2d(2));
    module("maxpool_ceil_pad", () -> new MaxPool2d(3, 2, 1, 1, true));
    module("maxpool_dilation", () -> new MaxPool2d(new int[]{2, 3}, new int[]{1, 2}, new int[]{1, 1}, new int[]{2, 2}, false));
    fn("f_max_pool2d", in -> F.maxPool2d(in[0], 2, 2));
    module("avgpool", () -> new AvgPool2d(2));
    module("avgpool_ceil_nopad_count", () -> new AvgPool2d(3, 2, 1, true, false));
    fn("f_avg_pool2d", in -> F.avgPool2d(in[0], 3, 2));
    module("adaptive_1", () -> new AdaptiveAvgPool2d(1));
    module("adaptive_3x2", () -> new AdaptiveAvgPool2d(new int[]{3, 2}));
    module("zeropad", () -> new ZeroPad2d(1));
    module("zeropad_tuple", () -> new ZeroPad2d(new int[]{1, 0, 2, 1}));
    fn("pad_constant_negative", in -> F.pad(in[0], new int[]{1, -1, -1, 2}, "constant", 0.5));
    fn("pad_reflect", in -> F.pad(in[0], new int[]{2, 1, 1, 2}, "reflect", 0));
    fn("pad_replicate", in -> F.pad(in[0], new int[]{2, 1, 1, 2}, "replicate", 0));
    fn("pad_circular", in -> F.pad(in[0], new int[]{2, 1, 1, 2}, "circular", 0));
    fn("pad_reflect_1d", in -> F.pad(in[0], new int[]{3, 2}, "reflect", 0));
    module("relu", ReLU::new);
    module("leaky_relu", () -> new LeakyReLU(0.2));
    module("sigmoid", Sigmoid::new);
    module("tanh", Tanh::new);
    module("gelu", GELU::new);
    module("gelu_tanh", () -> new GELU("tanh"));
    module("softmax", () -> new Softmax(1));
    module("log_softmax", () -> new LogSoftmax(1));
    module("dropout_eval", () -> new Dropout(0.5));
    module("flatten", Flatten::new);
    module("identity", Identity::new);
    module("batchnorm1d", () -> new BatchNorm1d(4));
    module("batchnorm1d_3d", () -> new BatchNorm1d(3));
    module("batchnorm2d", () -> new BatchNorm2d(3));
    module("batchnorm2d_eval", () -> new BatchNorm2d(3));
    module("batchnorm2d_cumulative", () -> new BatchNorm2d(2, 1e-5, null, true, true));
    module("batchnorm2d_noaffine", () -> new BatchNorm2d(2, 1e-5, 0.1, false, true));
    module("batchnorm2d_untracked", () -> new BatchNorm2d(2, 1e-5, 0.1, true, false));
    module("layernorm", () -> new LayerNorm(5));
    module("layernorm_affine", () -> new LayerNorm(5));
    module("layernorm_2d_noaffine", () -> new LayerNorm(new int[]{4, 5}, 1e-5, false));
    module("embedding", () -> new Embedding(10, 4));
    module("embedding_padding", () -> new Embedding(10, 4, 0));
    module("sequential", () -> new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3)));
    module("cosine_similarity", () -> new CosineSimilarity(1));
    module("pairwise_distance", PairwiseDistance::new);
    module("pairwise_distance_p1_keepdim", () -> new PairwiseDistance(1, 1e-6, true));

    module("rnn", () -> new RNN(4, 8), (m, in) -> rnn(((RNN) m).forwardWithState(in[0])));
    module("rnn_deep_relu_bidir_batch_first", () -> new RNN(4, 6, 2, "relu", true, true, 0, true),
        (m, in) -> rnn(((RNN) m).forwardWithState(in[0], in[1])));
    module("rnn_unbatched", () -> new RNN(4, 5), (m, in) -> rnn(((RNN) m).forwardWithState(in[0])));
    module("lstm", () -> new LSTM(4, 8), (m, in) -> rnn(((LSTM) m).forwardWithState(in[0], in[1], in[2])));
    module("lstm_deep_bidir_batch_first", () -> new LSTM(4, 6, 2, true, true, 0, true),
        (m, in) -> rnn(((LSTM) m).forwardWithState(in[0], in[1], in[2])));
    module("lstm_nobias", () -> new LSTM(3, 4, 1, false, false, 0, false), (m, in) -> rnn(((LSTM) m).forwardWithState(in[0], in[1], in[2])));
    module("gru", () -> new GRU(4, 8), (m, in) -> rnn(((GRU) m).forwardWithState(in[0], in[1])));
    module("gru_deep_bidir", () -> new GRU(4, 6, 2, true, false, 0, true), (m, in) -> rnn(((GRU) m).forwardWithState(in[0], in[1])));

    Run mha = (m, in) -> {
      MultiheadAttention.Output o = ((MultiheadAttention) m).forwardWithWeights(in[0], in[1], in[2], null, true, null, true);
      return new Tensor[]{o.output(), o.weights()};
    };
    module("mha_self", () -> new MultiheadAttention(8, 2), mha);
    module("mha_cross", () -> new MultiheadAttention(8, 4), mha);
    module("mha_masks_batch_first", () -> new MultiheadAttention(8, 2, 0, true, true), (m, in) -> {
      MultiheadAttention.Output o = ((MultiheadAttention) m).forwardWithWeights(in[0], in[1], in[2], in[3], true, in[4], false);
      return new Tensor[]{o.output(), o.weights()};
    });
    module("transformer_encoder_layer", () -> new TransformerEncoderLayer(8, 2, 16, 0, "relu", 1e-5, false, false));
    module("transformer_encoder_layer_norm_first_gelu_batch_first", () -> new TransformerEncoderLayer(8, 2, 16, 0, "gelu", 1e-5, true, true),
        (m, in) -> new Tensor[]{((TransformerEncoderLayer) m).forward(in[0], null, in[1])});

    module("cross_entropy", CrossEntropyLoss::new);
    module("cross_entropy_sum", () -> new CrossEntropyLoss("sum"));
    module("cross_entropy_none", () -> new CrossEntropyLoss("none"));
    module("cross_entropy_weight_ignore", () -> new CrossEntropyLoss(dev.tcompile.Torch.ones(5), -100, "mean", 0));
    module("cross_entropy_ignore_2", () -> new CrossEntropyLoss(null, 2, "mean", 0));
    module("cross_entropy_smoothing", () -> new CrossEntropyLoss(null, -100, "mean", 0.1));
    module("cross_entropy_smoothing_weight_ignore", () -> new CrossEntropyLoss(dev.tcompile.Torch.ones(5), -100, "mean", 0.2));
    module("cross_entropy_smoothing_none", () -> new CrossEntropyLoss(null, -100, "none", 0.3));
    module("cross_entropy_spatial", CrossEntropyLoss::new);
    module("cross_entropy_probabilities", CrossEntropyLoss::new);
    module("cross_entropy_1d", CrossEntropyLoss::new);
    module("nll", NLLLoss::new);
    module("nll_weight_none", () -> new NLLLoss(dev.tcompile.Torch.ones(5), -100, "none"));
    module("nll_weight_mean", () -> new NLLLoss(dev.tcompile.Torch.ones(5), -100, "mean"));
    module("nll_3d", NLLLoss::new);
    module("mse", MSELoss::new);
    module("mse_sum", () -> new MSELoss("sum"));
    module("mse_none", () -> new MSELoss("none"));
    module("l1", L1Loss::new);
    module("l1_none", () -> new L1Loss("none"));
    module("bce", BCELoss::new);
    module("bce_weight_sum", () -> new BCELoss(dev.tcompile.Torch.ones(4), "sum"));
    module("bce_logits", BCEWithLogitsLoss::new);
    module("bce_logits_weight_pos_weight_none", () -> new BCEWithLogitsLoss(dev.tcompile.Torch.ones(4), "none", dev.tcompile.Torch.ones(4)));
  }
}
