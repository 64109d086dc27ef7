#!/usr/bin/python3
"""Writes runtime/src/test/resources/goldens/rng.txt: what PyTorch 1.13's CPU generator produces, for
dev.tcompile.runtime.random.GoldenRngTest. Run with the system python that has torch 1.13:

    /usr/bin/python3 tools/goldens/rng.py

The file is a small line language that the Java test replays op by op on one generator:

    seed S                      torch.manual_seed(S)  (S as an unsigned 64-bit decimal)
    op NAME[@VIEW] ARGS...      an op on the current generator; the next line holds its result:
    f32 HEX HEX ...             float32 bit patterns (8 hex digits each), logical row-major order
    i64 DEC DEC ...             int64 values
    bool 0110...                bool values
    u8 HEX                      bytes (rng state), as one hex string
    fnv32 N HEX / fnv64 N HEX / fnv8 N HEX
                                FNV-1a (64-bit) over the little-endian bytes of N float32 bit patterns /
                                int64 values / bytes: outputs of ops marked "op #..." and big outputs

SHAPE is comma-separated sizes, "-" for a 0-d tensor. VIEW makes the op write into a non-contiguous view of
that shape: t = transpose of a (s1, s0) tensor, s = every second element of the last dim, p = a (s2, s0, s1)
tensor permuted to (s0, s1, s2).
"""
import math
import os
import sys
import warnings

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"  # the normal_/uniform_ arithmetic depends on the CPU kernel build
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "runtime", "src", "test", "resources", "goldens", "rng.txt")

FNV_OFFSET = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3


def fnv(words, nbytes):
    h = FNV_OFFSET
    for w in words:
        for i in range(nbytes):
            h ^= (w >> (8 * i)) & 0xff
            h = (h * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def shape_of(s):
    return () if s == "-" else tuple(int(x) for x in s.split(","))


def empty_view(shape, view):
    """An uninitialised float tensor of `shape`, contiguous or the non-contiguous view named `view`."""
    if view is None:
        return torch.empty(shape)
    if view == "t":
        assert len(shape) == 2
        return torch.empty(shape[1], shape[0]).t()
    if view == "s":
        base = torch.empty(shape[:-1] + (2 * shape[-1],))
        return base[..., ::2]
    if view == "p":
        assert len(shape) == 3
        return torch.empty(shape[2], shape[0], shape[1]).permute(1, 2, 0)
    raise ValueError(view)


def run(name, view, args):
    if name == "rand":
        return empty_view(shape_of(args[0]), view).uniform_(0, 1) if view else torch.rand(shape_of(args[0]))
    if name == "randn":
        return empty_view(shape_of(args[0]), view).normal_(0, 1) if view else torch.randn(shape_of(args[0]))
    if name == "uniform":
        return empty_view(shape_of(args[2]), view).uniform_(float(args[0]), float(args[1]))
    if name == "normal":
        return empty_view(shape_of(args[2]), view).normal_(float(args[0]), float(args[1]))
    if name in ("randint", "randint_f32", "randint_bool"):
        dtype = {"randint": torch.int64, "randint_f32": torch.float32, "randint_bool": torch.bool}[name]
        shape = shape_of(args[2])
        if view:
            return _randint_view(shape, view, dtype, int(args[0]), int(args[1]))
        return torch.randint(int(args[0]), int(args[1]), shape, dtype=dtype)
    if name == "randperm":
        return torch.randperm(int(args[0]))
    if name == "bernoulli_tensor":
        return torch.bernoulli(torch.full(shape_of(args[1]), float(args[0])))
    if name == "bernoulli_rand_p":
        # p drawn by torch.rand(p_shape) (consuming randoms too), broadcast to out_shape
        p = torch.rand(shape_of(args[0]))
        return torch.empty(shape_of(args[1])).bernoulli_(p)
    if name == "bernoulli_scalar":
        return empty_view(shape_of(args[1]), view).bernoulli_(float(args[0]))
    if name == "dropout":
        return F.dropout(torch.ones(shape_of(args[1])), float(args[0]), True)
    if name == "kaiming_uniform":
        return torch.nn.init.kaiming_uniform_(torch.empty(shape_of(args[0])), a=float(args[1]))
    if name == "linear":
        m = torch.nn.Linear(int(args[0]), int(args[1]))
        return torch.cat([m.weight.detach().reshape(-1), m.bias.detach()])
    if name == "conv2d":
        m = torch.nn.Conv2d(int(args[0]), int(args[1]), int(args[2]))
        return torch.cat([m.weight.detach().reshape(-1), m.bias.detach()])
    if name == "state":
        return torch.get_rng_state()
    if name == "fork":
        return None
    raise ValueError(name)


def _randint_view(shape, view, dtype, low, high):
    base = empty_view(shape, view)
    t = torch.empty(base.storage().size(), dtype=dtype).as_strided(base.shape, base.stride(), base.storage_offset())
    return t.random_(low, high)


def encode(t, digest):
    t = t.contiguous().reshape(-1)
    if t.dtype == torch.uint8:
        if digest:
            return "fnv8 %d %016x" % (t.numel(), fnv(t.tolist(), 1))
        return "u8 " + bytes(t.tolist()).hex()
    if t.dtype == torch.float32:
        words = t.view(torch.int32).tolist()
        words = [w & 0xFFFFFFFF for w in words]
        if digest:
            return "fnv32 %d %016x" % (len(words), fnv(words, 4))
        return "f32 " + " ".join("%08x" % w for w in words)
    if t.dtype == torch.int64:
        vals = t.tolist()
        if digest:
            return "fnv64 %d %016x" % (len(vals), fnv([v & 0xFFFFFFFFFFFFFFFF for v in vals], 8))
        return "i64 " + " ".join(str(v) for v in vals)
    if t.dtype == torch.bool:
        return "bool " + "".join("1" if v else "0" for v in t.tolist())
    raise TypeError(t.dtype)


SIZES = ["1", "3", "15", "16", "17", "100", "1000", "3,3", "20,16,5,5", "-", "31", "33", "48"]


def script(seed, big):
    """The op sequence for one seed: every op runs on the state the previous ops left."""
    ops = []
    for s in SIZES:
        ops.append("rand " + s)
    for s in SIZES:
        ops.append("randn " + s)
    ops += ["randn 1", "randn 1", "randn 5", "state", "fork", "randn 1", "randn 2", "randn 16", "randn 1"]
    for n in ["1", "5", "17", "100"]:
        ops.append("randint 0 10 " + n)
        ops.append("randint -5 %d %s" % (2 ** 33, n))
    ops += ["randint -9223372036854775808 9223372036854775807 7", "randint 3 4 3", "randint_f32 0 10 20",
            "randint_f32 -100 %d 9" % (2 ** 32 + 1), "randint_bool 0 2 40", "randint 0 4294967296 6",
            "randint 0 4294967295 6"]
    for n in ["1", "5", "100"] + (["10000"] if big else []):
        ops.append("randperm " + n)
    ops += ["uniform -0.3 0.3 1000", "uniform -0.3 0.3 7", "uniform 2.5 1e6 50", "uniform 1 1 5",
            "normal 2 0.5 1000", "normal 2 0.5 7", "normal -3 0.3 100", "normal 0.1 0 20", "normal 0.1 0 5"]
    ops += ["bernoulli_tensor 0.3 1000", "bernoulli_tensor 0.3 3,7", "bernoulli_tensor 0.5 17",
            "bernoulli_rand_p 5 4,5", "bernoulli_rand_p 1,6 3,6",
            "bernoulli_scalar 0.3 1000", "bernoulli_scalar 0.7 5,5",
            "dropout 0.5 1000", "dropout 0.2 100", "dropout 0.5 2,3,4"]
    ops += ["rand 2", "randn 3", "randint 0 100 4", "randn 20", "rand 1", "randperm 6", "randn 1", "state",
            "kaiming_uniform 20,1,5,5 %r" % math.sqrt(5), "kaiming_uniform 50,20,5,5 %r" % math.sqrt(5),
            "kaiming_uniform 10,7 0.0", "linear 7 3", "linear 784 10", "conv2d 1 6 5", "state"]
    ops += ["rand@t 5,7", "rand@s 9", "rand@p 3,4,5", "randn@t 6,5", "randn@s 40", "randn@p 2,3,4",
            "normal@t 1 2 16,3", "uniform@s -1 1 4,6", "randint@t 0 1000 3,5", "randint@p -7 7 2,2,3",
            "bernoulli_scalar@t 0.5 4,9", "randn 2", "state"]
    if big:
        ops += ["#randn 1000003", "#normal -1.5 0.37 99999", "#randn@t 300,301", "#rand 1000000",
                "#uniform -0.3 0.3 100000", "#randperm 100000", "#randint -5 %d 50000" % (2 ** 40), "state"]
    return ops


def main():
    # randint_f32 past 2^24 warns (and still runs); that case is wanted
    warnings.filterwarnings("ignore", message="to - 1 is out of bounds")
    assert torch.__version__.startswith("1.13"), torch.__version__
    assert "CPU capability usage: AVX2" in torch.__config__.show(), "goldens need the AVX2 kernels"
    lines = ["# PyTorch %s CPU generator goldens, written by tools/goldens/rng.py (do not edit)." % torch.__version__,
             "# default torch.Generator() state:"]
    lines.append("op default_generator_state")
    lines.append(encode(torch.Generator().get_state(), False))
    seeds = [(0, True), (1, False), (42, True), (2 ** 40 + 7, False), (2 ** 64 - 1, False)]
    full_states = 1  # the first rng state is written in full, later ones as digests
    for seed, big in seeds:
        torch.manual_seed(seed)
        lines.append("seed %d" % seed)
        for op in script(seed, big):
            digest = op.startswith("#")
            if digest:
                op = op[1:]
            head, *args = op.split()
            name, _, view = head.partition("@")
            t = run(name, view or None, args)
            if t is not None:
                if name == "state":
                    digest = full_states <= 0
                    full_states -= 1
                else:
                    digest = digest or t.numel() > (1000 if big else 100)
            lines.append("op " + ("#" if digest else "") + op)
            if t is not None:
                lines.append(encode(t, digest))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s (%d lines, %d bytes)" % (os.path.normpath(OUT), len(lines), os.path.getsize(OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
