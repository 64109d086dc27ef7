"""Writes frontend/src/test/resources/goldens/plot.json: what matplotlib (3.6, Agg, 100 dpi, default style)
draws for the seed's figures: colour tables, axes and colour-bar positions, tick labels and the RGB of
pixels at the centre of image cells and along colour bars.

Run from the repository root with a Python that has matplotlib:  /usr/bin/python3 tools/goldens/plot.py
(On Debian: apt-get install python3-matplotlib; it is needed only to regenerate this file.)
"""
import gzip
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join("frontend", "src", "test", "resources", "goldens", "plot.json")


def sample_digit():
    raw = gzip.open(os.path.join("data", "MNIST", "raw", "train-images-idx3-ubyte.gz")).read()
    img = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 28, 28)[0].astype(np.float32) / np.float32(255)
    return ((img - np.float32(0.1307)) / np.float32(0.3081)).astype(np.float32)


def figure_case(name, figsize, subplots):
    fig = plt.figure(figsize=figsize) if figsize else plt.figure()
    rgba = None
    for sp in subplots:
        plt.subplot(*sp["spec"])
        if "title" in sp:
            plt.title(sp["title"])
        plt.imshow(sp["data"], sp["cmap"])
        if sp.get("colorbar"):
            plt.colorbar()
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height = fig.bbox.height
    axes = []
    images = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    for ax, sp in zip(images, subplots):
        bb = ax.get_window_extent()
        data = sp["data"]
        h, w = data.shape
        cells = []
        for r in range(h):
            for c in range(w):
                if h * w > 100 and (r * w + c) % 7:
                    continue
                x = bb.x0 + (c + 0.5) / w * bb.width
                y = height - (bb.y1 - (r + 0.5) / h * bb.height)
                px = rgba[int(y), int(x)]
                cells.append([r, c, int(x), int(y), int(px[0]) << 16 | int(px[1]) << 8 | int(px[2])])
        entry = dict(spec=list(sp["spec"]), cmap=sp["cmap"], title=sp.get("title"), colorbar=bool(sp.get("colorbar")),
                     shape=[h, w], data=[float(v) for v in data.reshape(-1)],
                     box=[bb.x0, height - bb.y1, bb.x1, height - bb.y0],
                     xticks=[t.get_text() for t in ax.get_xticklabels() if ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]],
                     yticks=[t.get_text() for t in ax.get_yticklabels() if min(ax.get_ylim()) <= t.get_position()[1] <= max(ax.get_ylim())],
                     cells=cells)
        axes.append(entry)
    for cb, entry in zip(bars, [e for e in axes if e["colorbar"]]):
        bb = cb.get_window_extent()
        lo, hi = cb.get_ylim()
        samples = []
        for frac in np.linspace(0.01, 0.99, 25):
            y = height - (bb.y0 + frac * bb.height)
            x = (bb.x0 + bb.x1) / 2
            px = rgba[int(y), int(x)]
            samples.append([int(x), int(y), int(px[0]) << 16 | int(px[1]) << 8 | int(px[2])])
        entry["colorbar_box"] = [bb.x0, height - bb.y1, bb.x1, height - bb.y0]
        entry["colorbar_ticks"] = [t.get_text() for t in cb.get_yticklabels() if lo <= t.get_position()[1] <= hi]
        entry["colorbar_samples"] = samples
    out = dict(name=name, figsize=list(fig.get_size_inches()), size_px=[int(fig.bbox.width), int(fig.bbox.height)], axes=axes)
    plt.close(fig)
    return out


def main():
    digit = sample_digit()
    rng = np.random.default_rng(0)
    weight = rng.uniform(-0.2, 0.2, (5, 5)).astype(np.float32)
    linear = rng.uniform(-0.8, 0.6, (1, 10)).astype(np.float32)
    conv = (digit[2:26, 2:26] * weight[0, 0] + np.float32(0.05)).astype(np.float32)
    pooled = digit[::2, ::2][:12, :12].copy()
    ramp = np.arange(64, dtype=np.float32).reshape(8, 8) / np.float32(7.0) - np.float32(3.0)
    cases = [
        figure_case("digit_gray_title", None, [dict(spec=(1, 1, 1), data=digit, cmap="gray", title="1")]),
        figure_case("weight_jet_colorbar", None, [dict(spec=(1, 1, 1), data=weight, cmap="jet", colorbar=True)]),
        figure_case("input_weight_output", (15, 30), [
            dict(spec=(1, 3, 1), data=digit, cmap="gray", title="Input"),
            dict(spec=(1, 3, 2), data=weight, cmap="jet", title="Weight"),
            dict(spec=(1, 3, 3), data=conv, cmap="gray", title="Output")]),
        figure_case("maxpool", (10, 15), [
            dict(spec=(1, 2, 1), data=digit, cmap="gray", title="Input"),
            dict(spec=(1, 2, 2), data=pooled, cmap="gray", title="Output")]),
        figure_case("linear_jet_colorbar", None, [dict(spec=(1, 1, 1), data=linear, cmap="jet", colorbar=True)]),
        figure_case("ramp_viridis_colorbar", None, [dict(spec=(1, 1, 1), data=ramp, cmap="viridis", colorbar=True)]),
    ]
    luts = {}
    for name in ("gray", "jet", "viridis"):
        table = matplotlib.colormaps[name](np.arange(256), bytes=True)
        luts[name] = [int(r) << 16 | int(g) << 8 | int(b) for r, g, b, _ in table]
    out = dict(matplotlib=matplotlib.__version__, luts=luts, figures=cases)
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", OUT, len(cases), "figures")


if __name__ == "__main__":
    main()
