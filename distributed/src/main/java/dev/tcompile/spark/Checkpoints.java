package dev.tcompile.spark;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.nn.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Rank 0's checkpoints: {@code <dir>/step-00000020/model.safetensors} (the model's state dict, loadable by
 * {@code Module.loadStateDict} and by PyTorch) and {@code optimizer.safetensors} (its per-parameter state). A
 * checkpoint is written to a temporary folder and renamed into place, so a crash mid-write leaves no partial one.
 */
public final class Checkpoints {
  private Checkpoints() {}

  static final String MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors";

  /** A complete checkpoint: the step it was taken after, the model's state dict and the optimiser's state. */
  public record Checkpoint(long step, Path folder, Map<String, Tensor> model, Map<String, Tensor> optimizer) {}

  static void write(Path dir, long step, Map<String, Tensor> model, Map<String, Tensor> optimizer) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempDirectory(dir, ".writing-");
      Map<String, String> meta = Map.of("step", Long.toString(step));
      Safetensors.save(model, meta, tmp.resolve(MODEL));
      Safetensors.save(optimizer, meta, tmp.resolve(OPTIMIZER));
      Path target = dir.resolve(String.format("step-%08d", step));
      if (Files.exists(target)) deleteTree(target);  // a retried stage re-reaching a step it had saved
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("SparkTrainer: cannot write the checkpoint for step " + step + " in " + dir, e);
    }
  }

  /** The checkpoint with the highest step in {@code dir}, if any. */
  public static Optional<Checkpoint> latest(Path dir) {
    if (!Files.isDirectory(dir)) return Optional.empty();
    try (Stream<Path> entries = Files.list(dir)) {
      Optional<Path> newest = entries.filter(p -> p.getFileName().toString().matches("step-\\d{8,}"))
          .filter(p -> Files.isRegularFile(p.resolve(MODEL)) && Files.isRegularFile(p.resolve(OPTIMIZER)))
          .max(Comparator.comparingLong(Checkpoints::stepOf));
      return newest.map(p -> new Checkpoint(stepOf(p), p, Safetensors.load(p.resolve(MODEL)), Safetensors.load(p.resolve(OPTIMIZER))));
    } catch (IOException e) {
      throw new UncheckedIOException("SparkTrainer: cannot list the checkpoints in " + dir, e);
    }
  }

  private static long stepOf(Path folder) {
    try {
      return Long.parseLong(folder.getFileName().toString().substring("step-".length()));
    } catch (NumberFormatException e) {
      throw new TorchException("SparkTrainer: checkpoint folder name " + folder + " is not step-<number>");
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
