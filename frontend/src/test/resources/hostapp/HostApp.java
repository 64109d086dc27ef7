import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.compiled.CompiledModel;
import dev.tcompile.runtime.io.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A host application with only the runtime and a compiled-model jar on its class path: loads the jar, runs it on
 * the inputs of a safetensors file (input0, input1, ...), writes the outputs (output0, ...) to another.
 * Usage: HostApp MODEL.jar INPUTS.safetensors OUTPUTS.safetensors
 */
public class HostApp {
  public static void main(String[] args) {
    try {
      Class.forName("dev.tcompile.ir.Graph");
      System.out.println("the compiler is on the class path");
      System.exit(2);
    } catch (ClassNotFoundException expected) {
      System.out.println("runtime only");
    }
    CompiledModel model = CompiledModel.load(Path.of(args[0]));
    Map<String, NDArray> in = SafetensorsFile.read(Path.of(args[1])).tensors();
    NDArray[] xs = new NDArray[model.inputs().size()];
    for (int i = 0; i < xs.length; i++) xs[i] = in.get("input" + i);
    NDArray[] out = model.run(xs);
    Map<String, NDArray> o = new LinkedHashMap<>();
    for (int i = 0; i < out.length; i++) o.put("output" + i, out[i]);
    SafetensorsFile.write(o, null, Path.of(args[2]));
    System.out.println("ran " + model.info("model") + ": " + model.inputs() + " -> " + model.outputs());
  }
}
