# Goldens for GeluDoubleBackwardGoldenTest: PyTorch 1.13's exact GELU first and second derivatives.
# Run with /usr/bin/python3 (torch 1.13) from this folder: writes gelu_double_backward.txt.
# Each line: x g gg, then float32 d = dgelu(x) * g, float32 d(sum(d * gg))/dx, /dg, then the same three in float64;
# float32 values as 8 hex digits of their bits, float64 as 16.
import struct
import torch
import torch.nn.functional as F

torch.manual_seed(0)
xs = torch.cat([torch.linspace(-6, 6, 241), torch.randn(200) * 3, torch.tensor([0.0, -0.0, 1e-30, -1e-30, 8.0, -8.0, 12.0, -12.0])])
n = xs.numel()
gs = torch.randn(n)
ggs = torch.randn(n)

def f32hex(v): return struct.pack('>f', v).hex()
def f64hex(v): return struct.pack('>d', v).hex()

def derivs(dtype):
    x = xs.to(dtype).clone().requires_grad_(True)
    g = gs.to(dtype).clone().requires_grad_(True)
    gg = ggs.to(dtype)
    d, = torch.autograd.grad(F.gelu(x), x, g, create_graph=True)
    assert type(d.grad_fn).__name__ == 'GeluBackwardBackward0'
    dx, dg = torch.autograd.grad(d, [x, g], gg)
    return d.detach(), dx, dg

d32, dx32, dg32 = derivs(torch.float32)
d64, dx64, dg64 = derivs(torch.float64)
with open('gelu_double_backward.txt', 'w') as out:
    out.write('# x g gg | float32 d dx dg | float64 d dx dg (x, g, gg as float32 bits; see make_gelu_double_backward.py)\n')
    for i in range(n):
        row = [f32hex(xs[i].item()), f32hex(gs[i].item()), f32hex(ggs[i].item()),
               f32hex(d32[i].item()), f32hex(dx32[i].item()), f32hex(dg32[i].item()),
               f64hex(d64[i].item()), f64hex(dx64[i].item()), f64hex(dg64[i].item())]
        out.write(' '.join(row) + '\n')
print(torch.__version__, n, 'rows')
