package dev.tcompile.workloads;

import dev.tcompile.Torch;
import java.util.function.Supplier;

/**
 * One standard benchmark workload: a name, what it computes, and how to build it eagerly or compiled. Building
 * seeds the generator first, so both modes (and every run) see the same weights and inputs.
 */
public record Workload(String name, String description, Factory factory) {
  /** Builds the state (model, optimiser, inputs) and returns the step to time. */
  @FunctionalInterface
  public interface Factory {
    Supplier<Object> prepare(boolean compiled);
  }

  /** A fresh step: eager ({@code compiled == false}) or through {@code Torch.compile} with the default options. */
  public Supplier<Object> prepare(boolean compiled) {
    Torch.manualSeed(0);
    return factory.prepare(compiled);
  }
}
