import torch
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval
torch.set_printoptions(precision=10)
conv = torch.nn.Conv2d(1, 2, 2, bias=True)
bn = torch.nn.BatchNorm2d(2)
with torch.no_grad():
    conv.weight.copy_(torch.tensor([0.5, -1.0, 2.0, 0.25, 1.5, 0.75, -0.5, 3.0]).reshape(2,1,2,2))
    conv.bias.copy_(torch.tensor([0.1, -0.2]))
    bn.weight.copy_(torch.tensor([1.5, 0.8])); bn.bias.copy_(torch.tensor([0.3, -0.4]))
    bn.running_mean.copy_(torch.tensor([0.2, -0.6])); bn.running_var.copy_(torch.tensor([0.9, 2.5]))
conv.eval(); bn.eval()
f = fuse_conv_bn_eval(conv, bn)
print([repr(v) for v in f.weight.detach().flatten().tolist()])
print([repr(v) for v in f.bias.detach().flatten().tolist()])
lin = torch.nn.Linear(3, 2); bn1 = torch.nn.BatchNorm1d(2)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[0.5, -1.0, 2.0],[0.25, 1.5, 0.75]])); lin.bias.copy_(torch.tensor([0.1, -0.2]))
    bn1.weight.copy_(torch.tensor([1.5, 0.8])); bn1.bias.copy_(torch.tensor([0.3, -0.4]))
    bn1.running_mean.copy_(torch.tensor([0.2, -0.6])); bn1.running_var.copy_(torch.tensor([0.9, 2.5]))
lin.eval(); bn1.eval()
g = fuse_linear_bn_eval(lin, bn1)
print([repr(v) for v in g.weight.detach().t().flatten().tolist()])
print([repr(v) for v in g.bias.detach().flatten().tolist()])
import numpy as np
print(f.weight.detach().numpy().flatten().tolist())
