package dev.tcompile.spark;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimiser's per-parameter state (momentum buffers, Adam's moments and step) as flat named tensors
 * ({@code "<parameter index>.<key>"}, PyTorch's state-dict indexing), so it fits a safetensors file and the
 * ring's broadcast. The options (lr, momentum, ...) are not stored: every replica's factory builds them.
 */
final class OptimizerState {
  private OptimizerState() {}

  static Map<String, Tensor> flatten(Optimizer optimizer) {
    Map<String, Tensor> flat = new LinkedHashMap<>();
    optimizer.stateDict().state().forEach((index, state) -> state.forEach((key, t) -> flat.put(index + "." + key, t)));
    return flat;
  }

  static void restore(Optimizer optimizer, Map<String, Tensor> flat) {
    Optimizer.StateDict fresh = optimizer.stateDict();
    Map<Integer, Map<String, Tensor>> state = new LinkedHashMap<>();
    flat.forEach((name, t) -> {
      int dot = name.indexOf('.');
      int index;
      try {
        index = Integer.parseInt(name.substring(0, Math.max(dot, 0)));
      } catch (NumberFormatException e) {
        throw new TorchException("SparkTrainer: optimiser state entry '" + name + "' is not named <parameter index>.<key>");
      }
      state.computeIfAbsent(index, k -> new LinkedHashMap<>()).put(name.substring(dot + 1), t);
    });
    optimizer.loadStateDict(new Optimizer.StateDict(state, List.copyOf(fresh.paramGroups())));
  }
}
