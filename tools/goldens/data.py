"""Writes frontend/src/test/resources/goldens/data.json: what torchvision 0.14 reads from the bundled MNIST
sample (data/MNIST/raw) and what its tensor transforms compute on a few small tensors.

Run with the PyTorch 1.13 interpreter from the repository root:  /usr/bin/python3 tools/goldens/data.py
torchvision 0.14 reads only uncompressed IDX files, so the sample's .gz files are unpacked to a temporary root.
"""
import gzip
import json
import os
import shutil
import tempfile

import torch
import torchvision
from torchvision import datasets, transforms
import torchvision.transforms.functional as F

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "data.json")
SAMPLE = os.path.join("data", "MNIST", "raw")


def floats(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def mnist_cases():
    root = tempfile.mkdtemp()
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw)
    for name in os.listdir(SAMPLE):
        if name.endswith(".gz"):
            with gzip.open(os.path.join(SAMPLE, name)) as src, open(os.path.join(raw, name[:-3]), "wb") as dst:
                shutil.copyfileobj(src, dst)
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    out = {}
    for split, train in (("train", True), ("test", False)):
        ds = datasets.MNIST(root, train=train, download=False, transform=tf)
        raw_ds = datasets.MNIST(root, train=train, download=False)
        picks = [0, 1, len(ds) - 1]
        out[split] = {
            "count": len(ds),
            "first_labels": [int(ds.targets[i]) for i in range(20)],
            "label_counts": torch.bincount(ds.targets, minlength=10).tolist(),
            "normalized": {str(i): floats(ds[i][0]) for i in picks},
            "raw_pixel_sum": {str(i): int(torch.tensor(list(raw_ds[i][0].getdata())).sum()) for i in picks},
        }
        batch = next(iter(torch.utils.data.DataLoader(ds, batch_size=32, shuffle=False)))
        out[split]["first_batch"] = {"image_shape": list(batch[0].shape), "labels": batch[1].tolist(),
                                     "image_sum": float(batch[0].double().sum())}
        torch.manual_seed(0)
        shuffled = next(iter(torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True, num_workers=2)))
        out[split]["first_shuffled_batch_seed0"] = shuffled[1].tolist()
    shutil.rmtree(root)
    return out


def loader_cases():
    """Item order of shuffled loaders: unseeded after torch.manual_seed, and with a seeded generator."""
    ds = torch.utils.data.TensorDataset(torch.arange(100))
    torch.manual_seed(0)
    default = torch.utils.data.DataLoader(ds, batch_size=10, shuffle=True)
    unseeded = [[int(v) for b in default for v in b[0]] for _ in range(2)]
    after = floats(torch.rand(3))
    gen = torch.Generator().manual_seed(42)
    own = torch.utils.data.DataLoader(ds, batch_size=10, shuffle=True, generator=gen)
    seeded = [[int(v) for b in own for v in b[0]] for _ in range(2)]
    return {"manual_seed": 0, "unseeded_epochs": unseeded, "rand_after": after,
            "generator_seed": 42, "seeded_epochs": seeded}


def random_transform_cases():
    """RandomCrop(4, padding=1) then RandomHorizontalFlip() five times after torch.manual_seed(7)."""
    torch.manual_seed(7)
    x = torch.arange(36.0).reshape(1, 6, 6)
    t = transforms.Compose([transforms.RandomCrop(4, padding=1), transforms.RandomHorizontalFlip()])
    return {"manual_seed": 7, "input_shape": [1, 6, 6], "outputs": [floats(t(x)) for _ in range(5)]}


def g(seed):
    return torch.Generator().manual_seed(seed)


def case(name, transform, x, **extra):
    y = transform(x)
    return dict(name=name, dtype=str(x.dtype).replace("torch.", ""), in_shape=list(x.shape), input=floats(x.double()),
                out_dtype=str(y.dtype).replace("torch.", ""), out_shape=list(y.shape), output=floats(y.double()), **extra)


def transform_cases():
    a = torch.rand(1, 5, 7, generator=g(1))
    b = torch.rand(3, 6, 4, generator=g(2))
    c = torch.randint(0, 256, (1, 9, 7), generator=g(3), dtype=torch.uint8)
    d = torch.rand(2, 3, 4, 5, generator=g(4))
    pics = torch.randint(0, 256, (5, 6), generator=g(5), dtype=torch.uint8)
    cases = [
        case("normalize_1ch", transforms.Normalize((0.1307,), (0.3081,)), a, mean=[0.1307], std=[0.3081]),
        case("normalize_3ch", transforms.Normalize((0.5, 0.2, 0.1), (0.3, 0.4, 0.5)), b, mean=[0.5, 0.2, 0.1], std=[0.3, 0.4, 0.5]),
        case("resize_short_side_up", transforms.Resize(11), a, size=[11]),
        case("resize_short_side_down", transforms.Resize(3), b, size=[3]),
        case("resize_hw", transforms.Resize((3, 10)), a, size=[3, 10]),
        case("resize_hw_batch", transforms.Resize((7, 2)), d, size=[7, 2]),
        case("resize_uint8", transforms.Resize((13, 5)), c, size=[13, 5]),
        case("resize_uint8_short", transforms.Resize(4), c, size=[4]),
        case("center_crop", transforms.CenterCrop(3), a, size=[3, 3]),
        case("center_crop_rect", transforms.CenterCrop((4, 2)), b, size=[4, 2]),
        case("center_crop_pads", transforms.CenterCrop((8, 10)), a, size=[8, 10]),
        case("center_crop_uint8", transforms.CenterCrop((4, 4)), c, size=[4, 4]),
        case("pad_2", transforms.Pad(2), a, padding=[2], fill=0, mode="constant"),
        case("pad_fill", transforms.Pad([1, 2], fill=3), b, padding=[1, 2], fill=3, mode="constant"),
        case("pad_edge", transforms.Pad([1, 2, 3, 1], padding_mode="edge"), a, padding=[1, 2, 3, 1], fill=0, mode="edge"),
        case("pad_reflect", transforms.Pad([2, 1, 3, 4], padding_mode="reflect"), a, padding=[2, 1, 3, 4], fill=0, mode="reflect"),
        case("pad_symmetric", transforms.Pad([3, 2, 1, 5], padding_mode="symmetric"), a, padding=[3, 2, 1, 5], fill=0, mode="symmetric"),
        case("pad_negative", transforms.Pad([-1, 2, 1, -2]), b, padding=[-1, 2, 1, -2], fill=0, mode="constant"),
        case("pad_uint8_reflect", transforms.Pad(2, padding_mode="reflect"), c, padding=[2], fill=0, mode="reflect"),
        case("hflip", F.hflip, b),
        case("to_tensor_hw", lambda t: transforms.ToTensor()(t.numpy()), pics),
        case("to_tensor_hwc", lambda t: transforms.ToTensor()(t.numpy()), torch.randint(0, 256, (4, 3, 2), generator=g(6), dtype=torch.uint8)),
    ]
    return cases


def main():
    out = {"torch": torch.__version__, "torchvision": torchvision.__version__,
           "mnist_sample": mnist_cases(), "loader": loader_cases(),
           "random_transforms": random_transform_cases(),
           "transforms": transform_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", OUT, len(out["transforms"]), "transform cases")


if __name__ == "__main__":
    main()
