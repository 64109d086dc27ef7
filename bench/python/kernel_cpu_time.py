"""PyTorch side of dev.tcompile.bench.KernelCpuTime: median per-call CPU time (time.thread_time) at one thread.

    python3 bench/python/kernel_cpu_time.py exp,log,tanh,sigmoid,mulTransposed,addSliced,tanhSliced,conv_d31
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
xt, ym = x.view(1024, 1024).t(), xa.view(1024, 1024)
sl = torch.randn(1024, 2048)[:, ::2]
fns["mulTransposed"] = lambda: xt.mul(ym)
fns["addSliced"] = lambda: sl.add(1)
fns["tanhSliced"] = lambda: sl.tanh()
cx = torch.rand(20, 16, 50, 100) - 0.5
for name, ws, s, p, d in [("conv_d31", (33,16,3,5), (2,1), (4,2), (3,1)), ("conv_p42", (33,16,3,5), (2,1), (4,2), (1,1)), ("conv_s2", (33,16,3,3), (2,2), (0,0), (1,1))]:
    w = torch.rand(*ws) - 0.5
    fns[name] = (lambda w=w, s=s, p=p, d=d: F.conv2d(cx, w, None, s, p, d))
with torch.no_grad():
    for part in sys.argv[1].split(","):
        print("torch", part, "%.1f" % med(fns[part], 2 if part.startswith("conv") else 1.5, 2 if part.startswith("conv") else 1.5))
