"""PyTorch side of dev.tcompile.bench.KernelCpuTime: median per-call CPU time (time.thread_time) at one thread.

    python3 bench/python/kernel_cpu_time.py exp,log,tanh,sigmoid,mulTransposed,addSliced,tanhSliced,conv_d31
    python3 bench/python/kernel_cpu_time.py conv.mnist_conv2.backwardWeight   # conv.CASE.PASS: reference.py's CONV_CASES
"""
import time, sys, statistics, torch, torch.nn.functional as F
torch.set_num_threads(1)
def med(fn, warm=1.5, meas=1.5):
    t0 = time.thread_time()
    while time.thread_time() - t0 < warm: fn()
    ts = []; t0 = time.thread_time()
    while time.thread_time() - t0 < meas:
        a = time.thread_time(); fn(); ts.append(time.thread_time() - a)
    return statistics.median(ts) * 1e6
torch.manual_seed(0)
n = 1 << 20; x = torch.randn(n); xa = x.abs(); y = torch.empty(n)
fns = {"exp": lambda: torch.exp(x, out=y), "log": lambda: torch.log(xa, out=y), "tanh": lambda: torch.tanh(x, out=y), "sigmoid": lambda: torch.sigmoid(x, out=y)}
fns["gelu"] = lambda: torch._C._nn.gelu(x, out=y)
fns["erf"] = lambda: torch.erf(x, out=y)
fns["geluBackward"] = lambda: torch.ops.aten.gelu_backward(xa, x)
for shape in [(64, 20, 24, 24), (64, 50, 8, 8)]:
    px = torch.rand(*shape) - 0.5
    pv, pi = F.max_pool2d(px, 2, 2, return_indices=True)
    pg = torch.rand_like(pv) - 0.5
    fns["maxPoolBackward_%dx%dx%dx%d" % shape] = (lambda px=px, pi=pi, pg=pg:
        torch.ops.aten.max_pool2d_with_indices_backward(pg, px, [2, 2], [2, 2], [0, 0], [1, 1], False, pi))
xt, ym = x.view(1024, 1024).t(), xa.view(1024, 1024)
sl = torch.randn(1024, 2048)[:, ::2]
fns["mulTransposed"] = lambda: xt.mul(ym)
fns["addSliced"] = lambda: sl.add(1)
fns["tanhSliced"] = lambda: sl.tanh()
cx = torch.rand(20, 16, 50, 100) - 0.5
for name, ws, s, p, d in [("conv_d31", (33,16,3,5), (2,1), (4,2), (3,1)), ("conv_p42", (33,16,3,5), (2,1), (4,2), (1,1)), ("conv_s2", (33,16,3,3), (2,2), (0,0), (1,1))]:
    w = torch.rand(*ws) - 0.5
    fns[name] = (lambda w=w, s=s, p=p, d=d: F.conv2d(cx, w, None, s, p, d))
for name, shape, dim, log in [("softmax_64x1000", (64, 1000), 1, False), ("logSoftmax_64x1000", (64, 1000), 1, True),
                               ("softmax_1024x1024", (1024, 1024), 1, False), ("logSoftmax_1024x1024", (1024, 1024), 1, True),
                               ("softmax_4096x10", (4096, 10), 1, False), ("softmaxDim1_32x100x64", (32, 100, 64), 1, False),
                               ("logSoftmaxDim1_32x100x64", (32, 100, 64), 1, True)]:
    sx = (torch.rand(*shape) - 0.5) * 8
    fns[name] = (lambda sx=sx, dim=dim, f=(torch.log_softmax if log else torch.softmax): f(sx, dim))
def conv_case(name, pas):
    """reference.py's conv case: forward, or autograd asking for the one gradient (the graph built once)."""
    sys.path.insert(0, __import__("os").path.dirname(__file__))
    from reference import CONV_CASES
    xs, ws, s, p, d = CONV_CASES[name]
    cx2 = (torch.rand(*xs) - 0.5).requires_grad_()
    w = (torch.rand(*ws) - 0.5).requires_grad_()
    if pas == "forward":
        return lambda: F.conv2d(cx2, w, None, s, p, d)
    with torch.enable_grad():
        y = F.conv2d(cx2, w, None, s, p, d)
    g = torch.rand_like(y) - 0.5
    wrt = {"backwardInput": cx2, "backwardWeight": w}[pas]
    def bw():
        with torch.enable_grad():
            torch.autograd.grad(y, [wrt], g, retain_graph=True)
    return bw
for part in sys.argv[1].split(","):
    if part.startswith("conv."):
        fns[part] = conv_case(*part.split(".")[1:])
with torch.no_grad():
    for part in sys.argv[1].split(","):
        print("torch", part, "%.1f" % med(fns[part], 2 if part.startswith("conv") else 1.5, 2 if part.startswith("conv") else 1.5))
