# Goldens for NumericEdgeCasesTest (PyTorch 1.13): log_softmax / cross_entropy with large logits, sign edge cases.
import torch

x = torch.tensor([[1e7, 1e7 - 1, 1e7 - 2], [1e4, 1e4 - 1, 1e4 - 2], [-1e5, -1e5 + 0.5, -1e5 + 3]], requires_grad=True)
y = x.log_softmax(1)
(y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print("log_softmax", [repr(v) for v in y.flatten().tolist()])
print("grad", [repr(v) for v in x.grad.flatten().tolist()])
x.grad = None
ce = torch.nn.functional.cross_entropy(x, torch.tensor([1, 0, 2]))
ce.backward()
print("cross_entropy", repr(ce.item()))
print("ce grad", [repr(v) for v in x.grad.flatten().tolist()])
print("sign", torch.sign(torch.tensor([-0.0, 0.0, float("nan"), -3.0, 2.0])).tolist())
