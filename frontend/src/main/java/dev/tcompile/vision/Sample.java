package dev.tcompile.vision;

import dev.tcompile.Tensor;

/** One item of a vision data set: {@code (image, target)} in torchvision. A DataLoader stacks images and labels. */
public record Sample(Tensor image, long label) {}
