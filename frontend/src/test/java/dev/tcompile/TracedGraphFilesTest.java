package dev.tcompile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.codegen.Interpreter;
import dev.tcompile.ir.Graph;
import dev.tcompile.ir.GraphFiles;
import dev.tcompile.ir.GraphPrinter;
import dev.tcompile.ir.IrParseException;
import dev.tcompile.runtime.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traced graphs with large constants saved as .tir + .safetensors and read back: same text, same results. */
class TracedGraphFilesTest {
  @Test void savedGraphLoadsBackIdentically(@TempDir Path dir) throws Exception {
    Torch.manualSeed(4);
    Tensor w = Torch.randn(20, 8), b = Torch.randn(8);
    // w and b are created inside the traced function's closure but before tracing: captured inputs;
    // the table below is created inside the function: a large constant
    Graph g = Torch.trace(x -> {
      Tensor table = Torch.arange(0.0, 64.0, 1.0).reshape(8, 8).div(64.0);
      return x[0].matmul(w).add(b).matmul(table).tanh();
    }, Torch.randn(3, 20));
    Path tir = dir.resolve("model.tir");
    GraphFiles.save(g, tir);
    assertTrue(Files.exists(dir.resolve("model.safetensors")));
    String text = Files.readString(tir);
    assertTrue(text.contains("constant @\"model.safetensors\"["), text);
    Graph back = GraphFiles.load(tir);
    assertEquals(GraphPrinter.print(g, "model.safetensors"), GraphPrinter.print(back, "model.safetensors"));

    List<NDArray> in = new ArrayList<>(List.of(Torch.randn(3, 20).array(), w.array(), b.array()));
    NDArray want = new Interpreter(g).run(in.toArray(NDArray[]::new))[0];
    NDArray got = new Interpreter(back).run(in.toArray(NDArray[]::new))[0];
    CompiledVsEagerTest.assertClose(Tensor.wrap(want), Tensor.wrap(got), "result of the reloaded graph");
  }

  @Test void everyCompiledVsEagerProgramRoundTrips() {
    CompiledVsEagerTest.cases().forEach(args -> {
      CompiledVsEagerTest.Case c = (CompiledVsEagerTest.Case) args.get()[0];
      Tensor[] xs = new Tensor[c.shapes().length];
      for (int i = 0; i < xs.length; i++) xs[i] = Torch.randn(c.shapes()[i]).requiresGrad_(true);
      Graph g = Torch.trace(c.fn(), xs);
      String text = GraphPrinter.print(g);
      assertEquals(text, GraphPrinter.print(dev.tcompile.ir.GraphParser.parse(text)), c.name());
    });
  }

  @Test void aMissingConstantIsAPositionedError(@TempDir Path dir) throws Exception {
    Path tir = dir.resolve("broken.tir");
    Files.writeString(tir, "graph @g() {\n  %w = constant @\"broken.safetensors\"[\"w\"] : f32[4, 8]\n  return %w\n}\n");
    Files.write(dir.resolve("broken.safetensors"), new byte[]{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '});
    IrParseException e = assertThrows(IrParseException.class, () -> GraphFiles.load(tir));
    assertEquals("2:17: broken.tir: no tensor \"w\" in broken.safetensors", e.getMessage());
  }
}
