"""The seed tutorial's sections 3 and 4 (nn, nn.functional, torchvision, utils.data, the layers) as one script.

Run from the repository root with /usr/bin/python3; its output is examples/NnLayers.expected, which
examples/NnLayers.java must print byte for byte. Differences from the tutorial, all needed to run it as a
script: torch.manual_seed(0) at the start (tcompile's generator is PyTorch's, so the same seed gives the same
weights, inputs and shuffle), the bundled MNIST sample instead of a download, figures saved instead of shown,
and `device` defined (the tutorial used it without defining it).
"""
import gzip
import os
import shutil
import sys
import tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402
from torchvision import datasets, transforms  # noqa: E402

FIGURES = sys.argv[1] if len(sys.argv) > 1 else "figures"
os.makedirs(FIGURES, exist_ok=True)
torch.manual_seed(0)
device = torch.device("cpu")

# 3) nn & nn.functional -- nn
m1 = nn.Conv2d(16, 33, 3, stride=2)
m2 = nn.Conv2d(in_channels=16, out_channels=33, kernel_size=3, stride=2)
m3 = nn.Conv2d(in_channels=16, out_channels=33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2))
m4 = nn.Conv2d(in_channels=16, out_channels=33, kernel_size=(3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
inp = torch.randn(20, 16, 50, 100)
out1 = m1(inp)
out2 = m2(inp)
out3 = m3(inp)
out4 = m4(inp)
print(out1.size())
print(out2.size())
print(out3.size())
print(out4.size())

m = nn.Conv2d(16, 33, 3, stride=2)
m = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2))
m = nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1))
input = torch.randn(20, 16, 50, 100)
output = m(input)

# nn.functional
filters = torch.randn(8, 4, 3, 3)
inputs = torch.randn(1, 4, 5, 5)
conv = F.conv2d(inputs, filters, padding=1)
print(conv.shape)

# utils.data -- torchvision reads the extracted files and would re-download the sample (its MD5s differ from
# the full data set's), so the script extracts the bundled .gz files into a scratch root and passes download=False
root = tempfile.mkdtemp()
os.makedirs(os.path.join(root, "MNIST", "raw"))
for name in os.listdir(os.path.join("data", "MNIST", "raw")):
    if name.endswith(".gz"):
        with gzip.open(os.path.join("data", "MNIST", "raw", name)) as src, \
                open(os.path.join(root, "MNIST", "raw", name[:-3]), "wb") as dst:
            shutil.copyfileobj(src, dst)
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
trainset = datasets.MNIST(root, train=True, download=False, transform=transform)
testset = datasets.MNIST(root, train=False, download=False, transform=transform)
train_loader = DataLoader(trainset, batch_size=32, shuffle=True, num_workers=2)
test_loader = DataLoader(testset, batch_size=32, shuffle=False, num_workers=2)

images, labels = next(iter(train_loader))
print(images.size())
print(labels.size())

torch_image = torch.squeeze(images[0])
print(torch_image.shape)
image = torch_image.numpy()
print(image.shape)
label = labels[0].numpy()
print(label.shape)
print(label)
plt.title(label)
plt.imshow(image, "gray")
plt.savefig(os.path.join(FIGURES, "digit.png"))
plt.close()

# 4) layers
print(nn.Conv2d(in_channels=1, out_channels=20, kernel_size=5, stride=1))
layer = nn.Conv2d(1, 20, 5, 1).to(torch.device("cpu"))
print(layer)
weight = layer.weight
print(weight.shape)
weight = weight.detach()
weight = weight.numpy()
print(weight.shape)
plt.imshow(weight[0, 0, :, :], "jet")
plt.colorbar()
plt.savefig(os.path.join(FIGURES, "weight.png"))
plt.close()

print(images.shape)
input_image = torch.unsqueeze(images[0], dim=0)
output_data = layer(input_image)
output = output_data.data
output_arr = output.numpy()
print(output_arr.shape)

plt.figure(figsize=(15, 30))
plt.subplot(131)
plt.title("Input")
plt.imshow(image, "gray")
plt.subplot(132)
plt.title("Weight")
plt.imshow(weight[0, 0, :, :], "jet")
plt.subplot(133)
plt.title("Output")
plt.imshow(output_arr[0, 0, :, :], "gray")
plt.savefig(os.path.join(FIGURES, "input_weight_output.png"))
plt.close()

# pooling
print(image.shape)
pool = F.max_pool2d(output, 2, 2)
print(pool.shape)
pool_arr = pool.numpy()
print(pool_arr.shape)
plt.figure(figsize=(10, 15))
plt.subplot(121)
plt.title("Input")
plt.imshow(image, "gray")
plt.subplot(122)
plt.title("Output")
plt.imshow(pool_arr[0, 0, :, :], "gray")
plt.savefig(os.path.join(FIGURES, "pooling.png"))
plt.close()

# linear
image = torch.from_numpy(image)
print(image.shape)
flatten = image.view(1, 28 * 28)
print(flatten.shape)
lin = nn.Linear(784, 10)(flatten)
print(lin.shape)
print(lin)
plt.imshow(lin.detach().numpy(), "jet")
plt.colorbar()
plt.savefig(os.path.join(FIGURES, "linear.png"))
plt.close()

# softmax
with torch.no_grad():
    flatten = image.view(1, 28 * 28)
    lin = nn.Linear(784, 10)(flatten)
    softmax = F.softmax(lin, dim=1)
print(softmax)
print(np.sum(softmax.numpy()))

# relu
inputs = torch.randn(4, 3, 28, 28).to(device)
print(inputs.shape)
layer = nn.Conv2d(3, 20, 5, 1).to(device)
output = F.relu(layer(inputs))
print(output.shape)
