package dev.tcompile.spark;

import dev.tcompile.nn.Parameter;
import dev.tcompile.optim.Optimizer;
import java.io.Serializable;
import java.util.List;

/** Builds a replica's optimiser over its parameters, e.g. {@code ps -> new SGD(ps, 0.01, 0.5)}. */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
  Optimizer create(List<Parameter> parameters);
}
