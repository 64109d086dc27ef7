package dev.tcompile.spark;

import java.io.Serializable;

/**
 * One training row as Spark ships it: the input's values, flattened in row-major order (e.g. the 784 pixels of
 * a 1x28x28 image), and its class label. The trainer reshapes {@code features} to its input shape.
 */
public record Example(float[] features, long label) implements Serializable {}
