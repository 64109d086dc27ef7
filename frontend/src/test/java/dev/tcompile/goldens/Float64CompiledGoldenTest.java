package dev.tcompile.goldens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tcompile.Autograd;
import dev.tcompile.CompileOptions;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every float64 golden op case with one output, run through Torch.compile on both backends: the compiled value and
 * gradients equal eager's bit for bit (Float64GoldenTest checks eager against PyTorch).
 */
class Float64CompiledGoldenTest {
  static { new Float64GoldenTest(); } // registers the float64-only op calls

  @TestFactory
  Stream<DynamicTest> compiledFloat64OpsEqualEager() {
    List<JsonObject> all = new ArrayList<>(GoldenFile.section("float64.json", "cases"));
    all.addAll(GoldenFile.section("float64.json", "extra"));
    return all.stream().map(c -> DynamicTest.dynamicTest(c.get("name").getAsString(), () -> check(c)));
  }

  private static Tensor[] leaves(JsonObject c) {
    List<Tensor> out = new ArrayList<>();
    for (JsonElement e : c.getAsJsonArray("inputs")) out.add(GoldenTensors.leaf(e.getAsJsonObject()));
    return out.toArray(Tensor[]::new);
  }

  private static Object call(JsonObject c, Tensor[] leaves) {
    Tensor[] in = new Tensor[leaves.length];
    for (int i = 0; i < in.length; i++) in[i] = GoldenTensors.through(leaves[i], c.getAsJsonArray("inputs").get(i).getAsJsonObject());
    return OpCalls.get(c.get("op").getAsString()).apply(in, c.getAsJsonObject("args"));
  }

  private static void check(JsonObject c) {
    String name = c.get("name").getAsString();
    Tensor[] eagerLeaves = leaves(c);
    Object eager = call(c, eagerLeaves);
    if (!(eager instanceof Tensor e)) return; // several outputs: compiled functions return one tensor
    for (CompileOptions.Backend b : CompileOptions.Backend.values()) {
      Tensor[] ls = leaves(c);
      Tensor got = Torch.compile(x -> (Tensor) call(c, x), new CompileOptions().backend(b)).apply(ls);
      assertEquals(e.dtype(), got.dtype(), name + " " + b + " dtype");
      assertArrayEquals(e.shapeArray(), got.shapeArray(), name + " " + b + " shape");
      assertArrayEquals(e.toDoubleArray(), got.toDoubleArray(), 0, name + " " + b + " value");
      if (!e.requiresGrad() || !got.requiresGrad()) continue;
      List<Tensor> wantWrt = new ArrayList<>(), gotWrt = new ArrayList<>();
      for (int i = 0; i < ls.length; i++) if (ls[i].requiresGrad()) { wantWrt.add(eagerLeaves[i]); gotWrt.add(ls[i]); }
      Tensor up = Torch.onesLike(e).mul(0.75);
      Tensor[] gw = Autograd.grad(new Tensor[]{e}, wantWrt.toArray(Tensor[]::new), new Tensor[]{up}, true, false, true);
      Tensor[] gg = Autograd.grad(new Tensor[]{got}, gotWrt.toArray(Tensor[]::new), new Tensor[]{up}, false, false, true);
      for (int i = 0; i < gw.length; i++) {
        if (gw[i] == null) continue;
        assertEquals(gw[i].dtype(), gg[i].dtype(), name + " " + b + " grad dtype " + i);
        assertArrayEquals(gw[i].toDoubleArray(), gg[i].toDoubleArray(), 0, name + " " + b + " grad " + i);
      }
    }
  }
}
