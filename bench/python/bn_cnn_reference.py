"""PyTorch eager inference of FrozenInferenceBench's CNN with batch norms (batch 64, 3x32x32, eval, no_grad):
median ms of timed calls after a warm-up, at the given thread count. Usage: bn_cnn_reference.py [--threads 2]"""
import argparse, statistics, time
import torch
import torch.fx.experimental.optimization as fx_opt

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--calls", type=int, default=100)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
nn = torch.nn
m = nn.Sequential(nn.Conv2d(3, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
                  nn.Conv2d(32, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(64, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Flatten(), nn.Linear(64 * 8 * 8, 10)).eval()
fused = fx_opt.fuse(m)  # folds each conv+bn pair, as bnfold does
x = torch.randn(64, 3, 32, 32)
with torch.no_grad():
    for name, model in (("eager", m), ("fx fused conv+bn", fused)):
        for _ in range(20):
            model(x)
        t = []
        for _ in range(a.calls):
            t0 = time.perf_counter()
            model(x)
            t.append((time.perf_counter() - t0) * 1e3)
        print("pytorch %s %s, %d threads: %.2f ms" % (torch.__version__, name, a.threads, statistics.median(t)))
