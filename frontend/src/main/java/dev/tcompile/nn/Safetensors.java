package dev.tcompile.nn;

import dev.tcompile.Tensor;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.io.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights in the safetensors format, shared with PyTorch and Hugging Face tools:
 * {@code Safetensors.save(model.stateDict(), path)} and {@code model.loadStateDict(Safetensors.load(path), true)}.
 * Float32, int64 and bool tensors are written; float16/bfloat16/float64 files load as float32. Problems with
 * the file are {@link dev.tcompile.TorchException}s naming the problem and its byte position.
 */
public final class Safetensors {
  private Safetensors() {}

  public static void save(Map<String, Tensor> tensors, Path path) { save(tensors, Map.of(), path); }

  /** Saves with string metadata (the header's {@code __metadata__}). */
  public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path path) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    tensors.forEach((k, t) -> arrays.put(k, t.array()));
    SafetensorsFile.write(arrays, metadata, path);
  }

  /** The file's tensors, in the order their data is stored, as new leaf tensors. */
  public static Map<String, Tensor> load(Path path) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    SafetensorsFile.read(path).tensors().forEach((k, a) -> out.put(k, Tensor.wrap(a)));
    return out;
  }

  /** The file's {@code __metadata__} (empty when none). */
  public static Map<String, String> metadata(Path path) { return SafetensorsFile.read(path).metadata(); }
}
