"""Writes frontend/src/test/resources/goldens/nn/: PyTorch 1.13's answers for tcompile's nn and optim tests.

Run from the repository root with the PyTorch interpreter:  /usr/bin/python3 tools/goldens/nn.py

Outputs
  nn.json             cases (layers, functionals, losses): inputs, which need gradients, grad_fn names,
                      module reprs and state_dict keys; module reprs; error messages; optimiser and
                      scheduler cases; the seed's Conv2d output sizes.
  tensors.safetensors every tensor the cases use: "<case>/in/<i>", "<case>/state/<key>" (parameters and
                      buffers before the call), "<case>/out/<j>", "<case>/gout/<j>" (the upstream gradient
                      of output j), "<case>/grad/in/<i>", "<case>/grad/param/<key>", "<case>/after/<key>"
                      (buffers after the call); optimiser trajectories under "<optim case>/...".
  dtypes.safetensors  one small tensor per dtype tcompile reads (F32, F64, F16, BF16, I64, I32, U8, BOOL)
                      with metadata, for the reader test.
It also checks java_written.safetensors (written by SafetensorsInteropTest) when present: the file must
parse here and hold exactly the tensors that test writes.

The safetensors package is not needed: the format is written and read by hand below.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT_DIR = os.path.join("frontend", "src", "test", "resources", "goldens", "nn")
TENSORS = {}

# ---------------------------------------------------------------------------------------------------------
# safetensors by hand

DTYPES = {torch.float32: ("F32", "<f4"), torch.float64: ("F64", "<f8"), torch.float16: ("F16", "<f2"),
          torch.int64: ("I64", "<i8"), torch.int32: ("I32", "<i4"), torch.uint8: ("U8", "<u1"), torch.bool: ("BOOL", "|b1")}


def raw_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(DTYPES[t.dtype][1]).tobytes()


def dtype_name(t):
    return "BF16" if t.dtype == torch.bfloat16 else DTYPES[t.dtype][0]


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        b = raw_bytes(t)
        header[name] = {"dtype": dtype_name(t), "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    import numpy as np
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    kinds = {"F32": "<f4", "I64": "<i8", "BOOL": "|b1"}
    for name, spec in header.items():
        b, e = spec["data_offsets"]
        arr = np.frombuffer(data[8 + n + b:8 + n + e], dtype=kinds[spec["dtype"]]).reshape(spec["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def put(key, t):
    assert key not in TENSORS, key
    TENSORS[key] = t.detach().clone().contiguous()


# ---------------------------------------------------------------------------------------------------------
# layer / functional cases

CASES = []


def gen(seed):
    return torch.Generator().manual_seed(seed)


def randn(*shape, seed, scale=1.0):
    return torch.randn(tuple(shape), generator=gen(seed)) * scale


def case(name, fn, inputs, module=None, grad=None, train=True):
    """Runs fn(*inputs) (outputs: a tensor or a tuple), backward with random upstream gradients, records all."""
    torch.manual_seed(1234)
    grad = grad if grad is not None else [t.dtype == torch.float32 for t in inputs]
    xs = [t.clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    entry = dict(name=name, inputs=len(xs), grad=grad)
    if module is not None:
        module.train(train)
        entry["repr"] = repr(module)
        entry["state_keys"] = list(module.state_dict().keys())
        entry["train"] = train
        for k, v in module.state_dict().items():
            put(f"{name}/state/{k}", v)
    for i, x in enumerate(xs):
        put(f"{name}/in/{i}", x)
    outs = fn(*xs)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    entry["outputs"] = len(outs)
    entry["grad_fn"] = [o.grad_fn.name() if o.grad_fn is not None else None for o in outs]
    differentiable = [o for o in outs if o.requires_grad]
    gouts = [randn(*o.shape, seed=900 + j) for j, o in enumerate(outs)]
    for j, (o, g) in enumerate(zip(outs, gouts)):
        put(f"{name}/out/{j}", o)
        put(f"{name}/gout/{j}", g)
    if differentiable:
        torch.autograd.backward([o for o in outs if o.requires_grad], [g for o, g in zip(outs, gouts) if o.requires_grad])
    for i, x in enumerate(xs):
        if grad[i]:
            put(f"{name}/grad/in/{i}", x.grad if x.grad is not None else torch.zeros_like(x))
    if module is not None:
        entry["param_grads"] = []
        for k, p in module.named_parameters():
            if p.grad is not None:
                put(f"{name}/grad/param/{k}", p.grad)
                entry["param_grads"].append(k)
        entry["buffers"] = [k for k, _ in module.named_buffers()]
        for k, b in module.named_buffers():
            put(f"{name}/after/{k}", b)
    CASES.append(entry)


def module_case(name, module, *inputs, grad=None, train=True, call=None):
    torch.manual_seed(7)
    call = call or (lambda m, *xs: m(*xs))
    case(name, lambda *xs: call(module, *xs), list(inputs), module=module, grad=grad, train=train)


def seeded(factory, seed=11):
    """A module built under a fixed seed (its parameters are then just data loaded into the Java module)."""
    torch.manual_seed(seed)
    return factory()


def layer_cases():
    module_case("linear", seeded(lambda: nn.Linear(5, 3)), randn(4, 5, seed=1))
    module_case("linear_nobias_3d", seeded(lambda: nn.Linear(5, 3, bias=False)), randn(2, 3, 5, seed=2))
    module_case("linear_3d", seeded(lambda: nn.Linear(5, 3)), randn(2, 3, 5, seed=3))
    module_case("linear_1d", seeded(lambda: nn.Linear(5, 3)), randn(5, seed=4))
    module_case("conv_basic", seeded(lambda: nn.Conv2d(3, 4, 3)), randn(2, 3, 7, 6, seed=5))
    module_case("conv_stride_pad", seeded(lambda: nn.Conv2d(4, 6, (3, 5), stride=(2, 1), padding=(4, 2))), randn(2, 4, 9, 10, seed=6))
    module_case("conv_dilation", seeded(lambda: nn.Conv2d(4, 6, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))),
                randn(2, 4, 12, 10, seed=7))
    module_case("conv_groups", seeded(lambda: nn.Conv2d(4, 6, 3, stride=1, padding=1, groups=2, bias=False)), randn(2, 4, 5, 5, seed=8))
    module_case("conv_depthwise", seeded(lambda: nn.Conv2d(4, 8, 3, stride=2, groups=4)), randn(1, 4, 7, 7, seed=9))
    module_case("conv_reflect", seeded(lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect")), randn(1, 2, 5, 6, seed=10))
    module_case("conv_replicate", seeded(lambda: nn.Conv2d(2, 3, (3, 2), padding=(1, 2), padding_mode="replicate")), randn(1, 2, 5, 6, seed=11))
    module_case("conv_circular", seeded(lambda: nn.Conv2d(2, 3, 3, stride=2, padding=1, padding_mode="circular")), randn(2, 2, 5, 6, seed=12))
    module_case("conv_same", seeded(lambda: nn.Conv2d(2, 3, (3, 4), padding="same", dilation=(1, 2))), randn(1, 2, 6, 7, seed=13))
    module_case("conv_unbatched", seeded(lambda: nn.Conv2d(2, 3, 3)), randn(2, 5, 5, seed=14))
    case("f_conv2d_seed", lambda x, w: F.conv2d(x, w, padding=1), [randn(1, 4, 5, 5, seed=15), randn(8, 4, 3, 3, seed=16)])
    case("f_conv2d_bias_groups", lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
         [randn(2, 4, 6, 7, seed=17), randn(6, 2, 3, 2, seed=18), randn(6, seed=19)])
    module_case("maxpool", nn.MaxPool2d(2), randn(2, 3, 6, 7, seed=20))
    module_case("maxpool_ceil_pad", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), randn(2, 3, 7, 8, seed=21))
    module_case("maxpool_dilation", nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 2)), randn(1, 2, 7, 9, seed=22))
    case("f_max_pool2d", lambda x: F.max_pool2d(x, 2, 2), [randn(1, 20, 24, 24, seed=23)])
    module_case("avgpool", nn.AvgPool2d(2), randn(2, 3, 6, 7, seed=24))
    module_case("avgpool_ceil_nopad_count", nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                randn(2, 3, 7, 8, seed=25))
    case("f_avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2), [randn(1, 2, 7, 7, seed=26)])
    module_case("adaptive_1", nn.AdaptiveAvgPool2d(1), randn(2, 3, 5, 4, seed=27))
    module_case("adaptive_3x2", nn.AdaptiveAvgPool2d((3, 2)), randn(2, 3, 7, 5, seed=28))
    module_case("zeropad", nn.ZeroPad2d(1), randn(1, 2, 3, 3, seed=29))
    module_case("zeropad_tuple", nn.ZeroPad2d((1, 0, 2, 1)), randn(1, 2, 3, 3, seed=30))
    case("pad_constant_negative", lambda x: F.pad(x, (1, -1, -1, 2), value=0.5), [randn(1, 2, 4, 5, seed=31)])
    case("pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"), [randn(1, 2, 4, 5, seed=32)])
    case("pad_replicate", lambda x: F.pad(x, (2, 1, 1, 2), mode="replicate"), [randn(1, 2, 4, 5, seed=33)])
    case("pad_circular", lambda x: F.pad(x, (2, 1, 1, 2), mode="circular"), [randn(1, 2, 4, 5, seed=34)])
    case("pad_reflect_1d", lambda x: F.pad(x, (3, 2), mode="reflect"), [randn(2, 3, 5, seed=35)])
    module_case("relu", nn.ReLU(), randn(3, 4, seed=36))
    module_case("leaky_relu", nn.LeakyReLU(0.2), randn(3, 4, seed=37))
    module_case("sigmoid", nn.Sigmoid(), randn(3, 4, seed=38))
    module_case("tanh", nn.Tanh(), randn(3, 4, seed=39))
    module_case("gelu", nn.GELU(), randn(3, 4, seed=40))
    module_case("gelu_tanh", nn.GELU(approximate="tanh"), randn(3, 4, seed=41))
    module_case("softmax", nn.Softmax(dim=1), randn(3, 4, seed=42))
    module_case("log_softmax", nn.LogSoftmax(dim=1), randn(3, 4, seed=43))
    module_case("dropout_eval", nn.Dropout(0.5), randn(3, 4, seed=44), train=False)
    module_case("flatten", nn.Flatten(), randn(2, 3, 4, 5, seed=45))
    module_case("identity", nn.Identity(), randn(2, 3, seed=46))
    module_case("batchnorm1d", nn.BatchNorm1d(4), randn(8, 4, seed=47, scale=2))
    module_case("batchnorm1d_3d", nn.BatchNorm1d(3), randn(4, 3, 5, seed=48))
    module_case("batchnorm2d", nn.BatchNorm2d(3), randn(4, 3, 5, 5, seed=49, scale=3))
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.running_mean.copy_(randn(3, seed=50))
        bn.running_var.copy_(randn(3, seed=51).abs() + 0.5)
        bn.weight.copy_(randn(3, seed=52))
        bn.bias.copy_(randn(3, seed=53))
    module_case("batchnorm2d_eval", bn, randn(2, 3, 4, 4, seed=54), train=False)
    module_case("batchnorm2d_cumulative", nn.BatchNorm2d(2, momentum=None), randn(3, 2, 4, 4, seed=55))
    module_case("batchnorm2d_noaffine", nn.BatchNorm2d(2, affine=False), randn(3, 2, 4, 4, seed=56))
    module_case("batchnorm2d_untracked", nn.BatchNorm2d(2, track_running_stats=False), randn(3, 2, 4, 4, seed=57), train=False)
    module_case("layernorm", seeded(lambda: nn.LayerNorm(5)), randn(3, 4, 5, seed=58))
    ln = nn.LayerNorm(5)
    with torch.no_grad():
        ln.weight.copy_(randn(5, seed=59))
        ln.bias.copy_(randn(5, seed=60))
    module_case("layernorm_affine", ln, randn(3, 4, 5, seed=61))
    module_case("layernorm_2d_noaffine", nn.LayerNorm((4, 5), elementwise_affine=False), randn(3, 4, 5, seed=62))
    idx = torch.tensor([[1, 2, 3], [4, 4, 9]])
    module_case("embedding", seeded(lambda: nn.Embedding(10, 4)), idx)
    module_case("embedding_padding", seeded(lambda: nn.Embedding(10, 4, padding_idx=0)), torch.tensor([0, 2, 0, 5, 2]))
    module_case("sequential", seeded(lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))), randn(5, 4, seed=63))
    module_case("cosine_similarity", nn.CosineSimilarity(dim=1), randn(4, 6, seed=64), randn(4, 6, seed=65))
    module_case("pairwise_distance", nn.PairwiseDistance(), randn(4, 6, seed=66), randn(4, 6, seed=67))
    module_case("pairwise_distance_p1_keepdim", nn.PairwiseDistance(p=1.0, keepdim=True), randn(4, 6, seed=68), randn(4, 6, seed=69))


def recurrent_cases():
    module_case("rnn", seeded(lambda: nn.RNN(4, 8)), randn(5, 3, 4, seed=70))
    module_case("rnn_deep_relu_bidir_batch_first", seeded(lambda: nn.RNN(4, 6, num_layers=2, nonlinearity="relu", batch_first=True,
                                                                           bidirectional=True)),
                randn(3, 5, 4, seed=71), randn(4, 3, 6, seed=72))
    module_case("rnn_unbatched", seeded(lambda: nn.RNN(4, 5)), randn(6, 4, seed=73))
    lstm_call = lambda m, x, h, c: (lambda o: (o[0], o[1][0], o[1][1]))(m(x, (h, c)))
    module_case("lstm", seeded(lambda: nn.LSTM(4, 8)), randn(5, 3, 4, seed=74), randn(1, 3, 8, seed=75), randn(1, 3, 8, seed=76),
                call=lstm_call)
    module_case("lstm_deep_bidir_batch_first", seeded(lambda: nn.LSTM(4, 6, num_layers=2, batch_first=True, bidirectional=True)),
                randn(3, 5, 4, seed=77), randn(4, 3, 6, seed=78), randn(4, 3, 6, seed=79), call=lstm_call)
    module_case("lstm_nobias", seeded(lambda: nn.LSTM(3, 4, bias=False)), randn(4, 2, 3, seed=80), randn(1, 2, 4, seed=81),
                randn(1, 2, 4, seed=82), call=lstm_call)
    module_case("gru", seeded(lambda: nn.GRU(4, 8)), randn(5, 3, 4, seed=83), randn(1, 3, 8, seed=84))
    module_case("gru_deep_bidir", seeded(lambda: nn.GRU(4, 6, num_layers=2, bidirectional=True)), randn(5, 3, 4, seed=85),
                randn(4, 3, 6, seed=86))


def attention_cases():
    mha_call = lambda m, q, k, v: m(q, k, v)
    module_case("mha_self", seeded(lambda: nn.MultiheadAttention(8, 2)), *(lambda x: [x, x.clone(), x.clone()])(randn(4, 3, 8, seed=87)),
                call=mha_call)
    module_case("mha_cross", seeded(lambda: nn.MultiheadAttention(8, 4)), randn(3, 2, 8, seed=88), randn(5, 2, 8, seed=89),
                randn(5, 2, 8, seed=90), call=mha_call)
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    padding = torch.tensor([[False, False, False, True], [False, False, True, True], [False] * 4])
    module_case("mha_masks_batch_first", seeded(lambda: nn.MultiheadAttention(8, 2, batch_first=True)), randn(3, 4, 8, seed=91),
                randn(3, 4, 8, seed=92), randn(3, 4, 8, seed=93), padding, causal,
                call=lambda m, q, k, v, kpm, am: m(q, k, v, key_padding_mask=kpm, attn_mask=am, average_attn_weights=False))
    module_case("transformer_encoder_layer", seeded(lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)),
                randn(5, 3, 8, seed=94))
    module_case("transformer_encoder_layer_norm_first_gelu_batch_first",
                seeded(lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu", batch_first=True,
                                                          norm_first=True)),
                randn(3, 5, 8, seed=95), torch.tensor([[False] * 4 + [True], [False] * 5, [False] * 3 + [True] * 2]),
                call=lambda m, x, kpm: m(x, src_key_padding_mask=kpm))


def loss_cases():
    logits, target = randn(6, 5, seed=100), torch.tensor([0, 4, 2, 2, 1, 3])
    weight = torch.rand(5, generator=gen(101)) + 0.5
    module_case("cross_entropy", nn.CrossEntropyLoss(), logits, target)
    module_case("cross_entropy_sum", nn.CrossEntropyLoss(reduction="sum"), logits, target)
    module_case("cross_entropy_none", nn.CrossEntropyLoss(reduction="none"), logits, target)
    t_ign = torch.tensor([0, -100, 2, 2, -100, 3])
    module_case("cross_entropy_weight_ignore", nn.CrossEntropyLoss(weight=weight, ignore_index=-100), logits, t_ign)
    module_case("cross_entropy_ignore_2", nn.CrossEntropyLoss(ignore_index=2), logits, target)
    module_case("cross_entropy_smoothing", nn.CrossEntropyLoss(label_smoothing=0.1), logits, target)
    module_case("cross_entropy_smoothing_weight_ignore", nn.CrossEntropyLoss(weight=weight, label_smoothing=0.2), logits, t_ign)
    module_case("cross_entropy_smoothing_none", nn.CrossEntropyLoss(label_smoothing=0.3, reduction="none"), logits, t_ign)
    module_case("cross_entropy_spatial", nn.CrossEntropyLoss(), randn(2, 4, 3, 3, seed=102), torch.randint(0, 4, (2, 3, 3), generator=gen(103)))
    module_case("cross_entropy_probabilities", nn.CrossEntropyLoss(), logits, torch.softmax(randn(6, 5, seed=104), 1))
    module_case("cross_entropy_1d", nn.CrossEntropyLoss(), randn(5, seed=105), torch.tensor(3))
    logp = torch.log_softmax(randn(6, 5, seed=106), 1)
    module_case("nll", nn.NLLLoss(), logp, target)
    module_case("nll_weight_none", nn.NLLLoss(weight=weight, reduction="none"), logp, target)
    module_case("nll_weight_mean", nn.NLLLoss(weight=weight), logp, target)
    module_case("nll_3d", nn.NLLLoss(), torch.log_softmax(randn(2, 4, 5, seed=107), 1), torch.randint(0, 4, (2, 5), generator=gen(108)))
    x, y = randn(3, 4, seed=109), randn(3, 4, seed=110)
    module_case("mse", nn.MSELoss(), x, y)
    module_case("mse_sum", nn.MSELoss(reduction="sum"), x, y)
    module_case("mse_none", nn.MSELoss(reduction="none"), x, y)
    module_case("l1", nn.L1Loss(), x, y)
    module_case("l1_none", nn.L1Loss(reduction="none"), x, y)
    p, t = torch.rand(3, 4, generator=gen(111)) * 0.98 + 0.01, torch.rand(3, 4, generator=gen(112))
    module_case("bce", nn.BCELoss(), p, t)
    module_case("bce_weight_sum", nn.BCELoss(weight=torch.rand(4, generator=gen(113)), reduction="sum"), p, t)
    module_case("bce_logits", nn.BCEWithLogitsLoss(), x, t)
    module_case("bce_logits_weight_pos_weight_none",
                nn.BCEWithLogitsLoss(weight=torch.rand(4, generator=gen(114)), pos_weight=torch.rand(4, generator=gen(115)) * 3,
                                     reduction="none"), x, t)


# ---------------------------------------------------------------------------------------------------------
# reprs, state dict keys, errors, seed sizes

class MnistNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5, 1)
        self.conv2 = nn.Conv2d(20, 50, 5, 1)
        self.fc1 = nn.Linear(4 * 4 * 50, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2)
        x = F.relu(self.fc1(x.view(-1, 4 * 4 * 50)))
        return F.log_softmax(self.fc2(x), dim=1)


def reprs():
    ms = {
        "conv_seed_m1": nn.Conv2d(16, 33, 3, stride=2),
        "conv_seed_m3": nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)),
        "conv_seed_m4": nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1)),
        "conv_mnist": nn.Conv2d(1, 20, 5, 1),
        "conv_groups_nobias_reflect": nn.Conv2d(4, 6, 3, padding=1, groups=2, bias=False, padding_mode="reflect"),
        "conv_same": nn.Conv2d(2, 3, 3, padding="same"),
        "linear": nn.Linear(784, 10),
        "linear_nobias": nn.Linear(4, 3, bias=False),
        "maxpool": nn.MaxPool2d(2),
        "maxpool_tuple": nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 2), ceil_mode=True),
        "avgpool": nn.AvgPool2d(3, stride=2, padding=1),
        "adaptive": nn.AdaptiveAvgPool2d(1),
        "adaptive_tuple": nn.AdaptiveAvgPool2d((3, 2)),
        "zeropad": nn.ZeroPad2d(2),
        "relu": nn.ReLU(), "relu_inplace": nn.ReLU(inplace=True), "leaky": nn.LeakyReLU(0.01), "sigmoid": nn.Sigmoid(),
        "tanh": nn.Tanh(), "gelu": nn.GELU(), "softmax": nn.Softmax(dim=1), "log_softmax": nn.LogSoftmax(dim=1),
        "dropout": nn.Dropout(0.5), "dropout_small": nn.Dropout(1e-05),
        "batchnorm1d": nn.BatchNorm1d(4), "batchnorm2d": nn.BatchNorm2d(3, eps=1e-3, momentum=None, affine=False),
        "layernorm": nn.LayerNorm(5), "layernorm_2d": nn.LayerNorm((4, 5), eps=1e-6, elementwise_affine=False),
        "flatten": nn.Flatten(), "identity": nn.Identity(), "embedding": nn.Embedding(10, 4),
        "embedding_pad": nn.Embedding(10, 4, padding_idx=-1),
        "sequential": nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(1, 2, 3), nn.Tanh())),
        "modulelist": nn.ModuleList([nn.ReLU(), nn.Linear(2, 3)]),
        "rnn": nn.RNN(4, 8), "rnn_full": nn.RNN(4, 8, num_layers=2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5,
                                               bidirectional=True),
        "lstm": nn.LSTM(4, 8), "gru": nn.GRU(4, 8, num_layers=3),
        "mha": nn.MultiheadAttention(8, 2), "transformer_encoder_layer": nn.TransformerEncoderLayer(8, 2),
        "cosine": nn.CosineSimilarity(1), "pairwise": nn.PairwiseDistance(2),
        "cross_entropy": nn.CrossEntropyLoss(), "nll": nn.NLLLoss(), "mse": nn.MSELoss(), "l1": nn.L1Loss(), "bce": nn.BCELoss(),
        "bce_logits": nn.BCEWithLogitsLoss(),
        "mnist_net": MnistNet(),
    }
    return {k: repr(m) for k, m in ms.items()}


def state_dict_keys():
    return {
        "mnist_net": list(MnistNet().state_dict().keys()),
        "batchnorm2d": list(nn.BatchNorm2d(3).state_dict().keys()),
        "lstm_deep_bidir": list(nn.LSTM(4, 8, num_layers=2, bidirectional=True).state_dict().keys()),
        "mha": list(nn.MultiheadAttention(8, 2).state_dict().keys()),
        "transformer_encoder_layer": list(nn.TransformerEncoderLayer(8, 2).state_dict().keys()),
        "cross_entropy_weighted": list(nn.CrossEntropyLoss(weight=torch.ones(3)).state_dict().keys()),
        "sequential_nested": list(nn.Sequential(nn.Linear(4, 3), nn.Sequential(nn.BatchNorm1d(3), nn.Linear(3, 2))).state_dict().keys()),
    }


def error(fn):
    try:
        fn()
    except Exception as e:  # the message is the golden
        return str(e)
    raise AssertionError("expected an error")


def errors():
    net = MnistNet()
    sd = net.state_dict()
    bad_shape = dict(sd)
    bad_shape["fc2.weight"] = torch.zeros(10, 5)
    missing = {k: v for k, v in sd.items() if k != "fc2.bias"}
    unexpected = dict(sd)
    unexpected["fc3.weight"] = torch.zeros(1)
    unexpected["conv1.extra"] = torch.zeros(1)
    return {
        "conv_channels": error(lambda: nn.Conv2d(1, 20, 5, 1)(torch.zeros(64, 3, 28, 28))),
        "conv_kernel_too_large": error(lambda: nn.Conv2d(1, 2, 5)(torch.zeros(1, 1, 4, 4))),
        "conv_groups_weight": error(lambda: F.conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(3, 2, 3, 3), groups=2)),
        "conv_input_dims": error(lambda: F.conv2d(torch.zeros(2, 3), torch.zeros(1, 1, 1, 1))),
        "conv_bias_size": error(lambda: F.conv2d(torch.zeros(1, 1, 3, 3), torch.zeros(2, 1, 1, 1), torch.zeros(3))),
        "conv_in_channels_groups": error(lambda: nn.Conv2d(3, 4, 3, groups=2)),
        "conv_same_strided": error(lambda: nn.Conv2d(3, 4, 3, stride=2, padding="same")),
        "linear_shapes": error(lambda: nn.Linear(784, 10)(torch.zeros(1, 10))),
        "linear_seed_message": error(lambda: torch.zeros(1, 784) @ torch.zeros(10, 10)),
        "maxpool_too_small": error(lambda: F.max_pool2d(torch.zeros(1, 1, 2, 2), 3)),
        "maxpool_pad": error(lambda: F.max_pool2d(torch.zeros(1, 1, 5, 5), 2, padding=2)),
        "load_size_mismatch": error(lambda: MnistNet().load_state_dict(bad_shape)),
        "load_missing": error(lambda: MnistNet().load_state_dict(missing)),
        "load_unexpected": error(lambda: MnistNet().load_state_dict(unexpected)),
        "load_nonstrict_result": repr(MnistNet().load_state_dict({**missing, "extra": torch.zeros(1)}, strict=False)),
        "load_all_matched": repr(MnistNet().load_state_dict(sd)),
        "nll_batch": error(lambda: F.nll_loss(torch.zeros(3, 5), torch.zeros(4, dtype=torch.long))),
        "nll_target_bounds": error(lambda: F.nll_loss(torch.zeros(3, 5), torch.tensor([0, 5, 1]))),
        "cross_entropy_target_3d": error(lambda: F.cross_entropy(torch.zeros(2, 3, 4), torch.zeros(2, 5, dtype=torch.long))),
        "bce_range": error(lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))),
        "bce_size": error(lambda: F.binary_cross_entropy(torch.rand(3, 1), torch.rand(3))),
        "bce_logits_size": error(lambda: F.binary_cross_entropy_with_logits(torch.rand(3, 1), torch.rand(3))),
        "layer_norm_shape": error(lambda: F.layer_norm(torch.zeros(3, 4), (5,))),
        "batch_norm_one_value": error(lambda: nn.BatchNorm1d(4)(torch.zeros(1, 4))),
        "batch_norm_2d_dims": error(lambda: nn.BatchNorm2d(4)(torch.zeros(2, 4))),
        "embedding_index": error(lambda: nn.Embedding(3, 2)(torch.tensor([3]))),
        "pad_reflect_too_large": error(lambda: F.pad(torch.zeros(1, 1, 3, 3), (3, 3, 0, 0), mode="reflect")),
        "pad_odd": error(lambda: F.pad(torch.zeros(1, 1, 3, 3), (1, 2, 3))),
        "rnn_input_size": error(lambda: nn.RNN(4, 8)(torch.zeros(3, 2, 5))),
        "rnn_hidden_size": error(lambda: nn.RNN(4, 8)(torch.zeros(3, 2, 4), torch.zeros(1, 3, 8))),
        "lstm_cell_size": error(lambda: nn.LSTM(4, 8)(torch.zeros(3, 2, 4), (torch.zeros(1, 2, 8), torch.zeros(1, 3, 8)))),
        "mha_embed_divisible": error(lambda: nn.MultiheadAttention(8, 3)),
        "dropout_p": error(lambda: nn.Dropout(1.5)),
    }


def seed_conv_sizes():
    torch.manual_seed(0)
    inp = torch.randn(20, 16, 50, 100)
    ms = [nn.Conv2d(16, 33, 3, stride=2), nn.Conv2d(in_channels=16, out_channels=33, kernel_size=3, stride=2),
          nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)), nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))]
    return [list(m(inp).shape) for m in ms]


# ---------------------------------------------------------------------------------------------------------
# optimisers and schedulers

def optim_case(name, make, steps=5, shapes=((3, 4), (4,))):
    """Parameters from fixed data, gradients per step from fixed data; records the parameters after each step."""
    params = [nn.Parameter(randn(*s, seed=200 + i)) for i, s in enumerate(shapes)]
    for i, p in enumerate(params):
        put(f"{name}/param/{i}", p)
    opt = make(params)
    for k in range(steps):
        for i, p in enumerate(params):
            g = randn(*p.shape, seed=300 + 10 * k + i)
            put(f"{name}/step/{k}/grad/{i}", g)
            p.grad = g.clone()
        opt.step()
        for i, p in enumerate(params):
            put(f"{name}/step/{k}/param/{i}", p)
    return dict(name=name, steps=steps, params=len(params))


def optim_cases():
    return [
        optim_case("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1)),
        optim_case("sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)),
        optim_case("sgd_momentum_dampening_wd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
        optim_case("sgd_nesterov_wd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True)),
        optim_case("adam", lambda ps: torch.optim.Adam(ps, lr=1e-2, foreach=False)),
        optim_case("adam_wd_betas", lambda ps: torch.optim.Adam(ps, lr=3e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, foreach=False)),
        optim_case("adam_amsgrad", lambda ps: torch.optim.Adam(ps, lr=1e-2, amsgrad=True, foreach=False)),
        optim_case("adamw", lambda ps: torch.optim.AdamW(ps, lr=1e-2, foreach=False)),
        optim_case("adamw_amsgrad", lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.1, amsgrad=True, foreach=False)),
        optim_case("rmsprop", lambda ps: torch.optim.RMSprop(ps, lr=1e-2, foreach=False)),
        optim_case("rmsprop_centered_momentum_wd",
                   lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=1e-6, weight_decay=0.01, momentum=0.5, centered=True,
                                                  foreach=False)),
        optim_case("sgd_groups", lambda ps: torch.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.5}], lr=0.1, momentum=0.5)),
    ]


def scheduler_lrs(make_sched, epochs=25):
    p = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = make_sched(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def schedulers():
    return {
        "step_lr": scheduler_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
        "cosine": scheduler_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10)),
        "cosine_eta_min": scheduler_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.01)),
    }


# ---------------------------------------------------------------------------------------------------------
# default initialisation and nn.init under manual_seed, and the MNIST run of MnistCnnTrainingTest

def init_cases():
    factories = [
        ("linear", lambda: nn.Linear(5, 3)),
        ("conv", lambda: nn.Conv2d(3, 4, 3)),
        ("conv_groups_nobias", lambda: nn.Conv2d(4, 6, (2, 3), groups=2, bias=False)),
        ("embedding", lambda: nn.Embedding(10, 4)),
        ("embedding_pad", lambda: nn.Embedding(10, 4, padding_idx=1)),
        ("rnn_deep_bidir", lambda: nn.RNN(4, 5, num_layers=2, bidirectional=True)),
        ("lstm", lambda: nn.LSTM(3, 4)),
        ("gru", lambda: nn.GRU(3, 4)),
        ("mha", lambda: nn.MultiheadAttention(8, 2)),
        ("transformer_encoder_layer", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)),
        ("mnist_net", MnistNet),
    ]
    out = []
    for i, (name, make) in enumerate(factories):
        torch.manual_seed(100 + i)
        for k, v in make().state_dict().items():
            put(f"init/{name}/{k}", v)
        out.append(dict(name=name, seed=100 + i))
    torch.manual_seed(5)
    w = torch.empty(6, 4, 3)
    steps = [("kaiming_uniform", lambda: nn.init.kaiming_uniform_(w, a=0.1, mode="fan_out", nonlinearity="leaky_relu")),
             ("kaiming_normal", lambda: nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")),
             ("xavier_uniform", lambda: nn.init.xavier_uniform_(w, gain=2.0)),
             ("xavier_normal", lambda: nn.init.xavier_normal_(w)),
             ("uniform", lambda: nn.init.uniform_(w, -2.0, 3.0)),
             ("normal", lambda: nn.init.normal_(w, 1.0, 0.5))]
    for name, f in steps:
        f()
        put(f"init/functions/{name}", w)
    return dict(modules=out, functions=[n for n, _ in steps])


def mnist_run():
    """MnistCnnTrainingTest's loop, in PyTorch: the same seed, batches, model and optimiser."""
    import gzip
    import numpy as np
    raw = os.path.join("data", "MNIST", "raw")

    def images(f):
        d = gzip.open(os.path.join(raw, f)).read()
        n = int.from_bytes(d[4:8], "big")
        x = torch.tensor(np.frombuffer(d[16:], np.uint8).reshape(n, 1, 28, 28).astype(np.float32)) / 255
        return (x - 0.1307) / 0.3081

    def labels(f):
        return torch.tensor(np.frombuffer(gzip.open(os.path.join(raw, f)).read()[8:], np.uint8).astype(np.int64))

    x, y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
    tx, ty = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
    torch.manual_seed(0)
    model = MnistNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    order = torch.randperm(x.shape[0])
    losses = []
    for step in range(200):
        start = (step * 64) % (x.shape[0] - 64 + 1)
        idx = order[start:start + 64]
        opt.zero_grad()
        loss = F.nll_loss(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        correct = int((model(tx).argmax(1) == ty).sum())
    return dict(first_losses=losses[:5], last_loss=losses[-1], correct=correct, total=int(tx.shape[0]))


def dtype_file():
    tensors = {
        "f32": torch.tensor([[1.5, -2.25], [3.0, 1e-8]], dtype=torch.float32),
        "f64": torch.tensor([0.1, -1e300 * 0, 2.5], dtype=torch.float64),
        "f16": torch.tensor([0.5, -65504.0, 1e-4], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e20], dtype=torch.bfloat16),
        "i64": torch.tensor([[-(2 ** 62), 7]], dtype=torch.int64),
        "i32": torch.tensor([-5, 2 ** 31 - 1], dtype=torch.int32),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(4.0),
        "empty": torch.zeros(0, 3),
    }
    write_safetensors(os.path.join(OUT_DIR, "dtypes.safetensors"), tensors, metadata={"format": "pt", "note": "dtype coverage"})
    exact = lambda t: [float(v) for v in t.to(torch.float64).flatten()] if t.is_floating_point() else [int(v) for v in t.flatten().tolist()]
    return {k: exact(t) for k, t in tensors.items()}


def java_expected():
    """What SafetensorsInteropTest writes: keep the two in step."""
    return {
        "weight": torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5,
        "bias": torch.tensor([1e-8, -3.5e7, float("inf")], dtype=torch.float32),
        "steps": torch.tensor([[0, -1], [2 ** 40, 5]], dtype=torch.int64),
        "mask": torch.tensor([True, False, False, True]),
        "scalar": torch.tensor(2.5),
    }


def check_java_written():
    path = os.path.join(OUT_DIR, "java_written.safetensors")
    if not os.path.exists(path):
        print("java_written.safetensors not present yet: run SafetensorsInteropTest, then this script again")
        return
    got, meta = read_safetensors(path)
    want = java_expected()
    assert list(got) == list(want), (list(got), list(want))
    for k in want:
        assert got[k].dtype == want[k].dtype and got[k].shape == want[k].shape, k
        assert torch.equal(got[k], want[k]), k
    assert meta == {"written_by": "tcompile"}, meta
    print("java_written.safetensors: verified", len(got), "tensors")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    layer_cases()
    recurrent_cases()
    attention_cases()
    loss_cases()
    optims = optim_cases()
    inits = init_cases()
    doc = dict(
        torch_version=torch.__version__,
        cases=CASES,
        reprs=reprs(),
        state_dict_keys=state_dict_keys(),
        errors=errors(),
        seed_conv_sizes=seed_conv_sizes(),
        optimizers=optims,
        schedulers=schedulers(),
        dtypes=dtype_file(),
        init=inits,
        mnist=mnist_run(),
    )
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    write_safetensors(os.path.join(OUT_DIR, "tensors.safetensors"), TENSORS, metadata={"torch": torch.__version__})
    with open(os.path.join(OUT_DIR, "nn.json"), "w") as f:
        json.dump(doc, f, indent=1, allow_nan=True)
        f.write("\n")
    check_java_written()
    print("wrote", len(CASES), "cases,", len(optims), "optimiser trajectories,", len(TENSORS), "tensors to", OUT_DIR)


if __name__ == "__main__":
    main()
