package dev.tcompile.cli.demo;

import dev.tcompile.GradGuard;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.F;
import dev.tcompile.vision.Plot;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Path;

/** The figures the seed tutorial draws, from a trained network's first layer and one test digit. */
public final class SeedFigures {
  private SeedFigures() {}

  /** Writes digit.png, weight.png, input_weight_output.png and pooling.png into {@code dir}; returns the paths. */
  public static Path[] draw(MnistNet net, Tensor image, long label, Path dir) {
    Tensor digit = image.squeeze();
    Tensor weight = net.conv1().weight().detach().select(0, 0).select(0, 0);
    Tensor out, pool;
    try (GradGuard g = Torch.noGrad()) {
      out = net.conv1().forward(image.unsqueeze(0));
      pool = F.maxPool2d(out, 2, 2);
    }
    Path digitPng = dir.resolve("digit.png"), weightPng = dir.resolve("weight.png");
    Path triple = dir.resolve("input_weight_output.png"), pooling = dir.resolve("pooling.png");

    Plot.figure();
    Plot.title(String.valueOf(label));
    Plot.imshow(digit, "gray");
    Plot.savefig(digitPng);

    Plot.figure();
    Plot.imshow(weight, "jet");
    Plot.colorbar();
    Plot.savefig(weightPng);

    Plot.figure(15, 5);
    Plot.subplot(131);
    Plot.title("Input");
    Plot.imshow(digit, "gray");
    Plot.subplot(132);
    Plot.title("Weight");
    Plot.imshow(weight, "jet");
    Plot.subplot(133);
    Plot.title("Output");
    Plot.imshow(out.select(0, 0).select(0, 0), "gray");
    Plot.savefig(triple);

    Plot.figure(10, 5);
    Plot.subplot(121);
    Plot.title("Input");
    Plot.imshow(digit, "gray");
    Plot.subplot(122);
    Plot.title("Output");
    Plot.imshow(pool.select(0, 0).select(0, 0), "gray");
    Plot.savefig(pooling);
    Plot.close();
    return new Path[]{digitPng, weightPng, triple, pooling};
  }
}
