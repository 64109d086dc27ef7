"""What the float32 kernel golden scripts (exp, sigmoid, softmax, softmax_backward) share: PyTorch 1.13's AVX2 CPU
kernels on one thread, the runtime's golden resource folder, and float32 values written as hex bit patterns.
Import it before torch: the CPU capability is read when torch loads."""
import os

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
import torch  # noqa: E402

torch.set_num_threads(1)


def golden_path(name):
    """runtime/src/test/resources/goldens/NAME."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "src", "test", "resources",
                        "goldens", name)


def bits(t):
    """The float32 bit patterns of t's elements in row-major order, as hex words separated by spaces."""
    return " ".join("%08x" % (v & 0xffffffff) for v in t.contiguous().view(-1).view(torch.int32).tolist())
