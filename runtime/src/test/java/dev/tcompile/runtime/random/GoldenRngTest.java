package dev.tcompile.runtime.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays goldens/rng.txt (written by tools/goldens/rng.py from PyTorch 1.13) on a {@link Generator}: for
 * every seed the same op sequence as the script, comparing every output bit for bit (float32 bit patterns,
 * int64 values, bools, rng state bytes). The file format is described in the script.
 */
class GoldenRngTest {

  private record Op(String text, String expected, int line) {}

  private record Block(String seed, List<Op> ops) {}

  private static List<Block> load() throws IOException {
    List<Block> blocks = new ArrayList<>();
    Block current = new Block(null, new ArrayList<>());
    blocks.add(current);
    try (InputStream in = GoldenRngTest.class.getResourceAsStream("/goldens/rng.txt")) {
      assertNotNull(in, "goldens/rng.txt missing: run /usr/bin/python3 tools/goldens/rng.py");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      String line;
      int no = 0;
      Op pending = null;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isEmpty() || line.startsWith("#")) continue;
        if (line.startsWith("seed ")) {
          current = new Block(line.substring(5).trim(), new ArrayList<>());
          blocks.add(current);
        } else if (line.startsWith("op ")) {
          String text = line.substring(3).trim();
          if (text.equals("fork")) {
            current.ops().add(new Op(text, null, no));
          } else {
            pending = new Op(text, null, no);
          }
        } else {
          if (pending == null) throw new IllegalStateException("line " + no + ": result without op");
          current.ops().add(new Op(pending.text(), line, pending.line()));
          pending = null;
        }
      }
    }
    return blocks;
  }

  @TestFactory
  Stream<DynamicTest> goldens() throws IOException {
    return load().stream()
        .filter(b -> !b.ops().isEmpty())
        .map(b -> DynamicTest.dynamicTest(b.seed() == null ? "no seed" : "seed " + b.seed(), () -> replay(b)));
  }

  private static void replay(Block b) {
    Generator g = new Generator();
    if (b.seed() != null) {
      g.manualSeed(Long.parseUnsignedLong(b.seed()));
      assertEquals(Long.parseUnsignedLong(b.seed()), g.initialSeed());
    }
    for (Op op : b.ops()) {
      String text = op.text();
      boolean digest = text.startsWith("#");
      if (digest) text = text.substring(1);
      if (text.equals("fork")) {
        // continue on a new generator loaded from this one's (PyTorch-format) state
        Generator h = new Generator(12345);
        h.setState(g.getState());
        g = h;
        continue;
      }
      Object result = run(g, text);
      String where = "seed " + b.seed() + ", line " + op.line() + ": op " + op.text();
      check(where, op.expected(), result);
    }
  }

  // ---- ops (mirror run() in rng.py) ----

  private static Object run(Generator g, String text) {
    String[] parts = text.split(" ");
    String head = parts[0];
    String[] a = Arrays.copyOfRange(parts, 1, parts.length);
    String name = head, view = null;
    int at = head.indexOf('@');
    if (at >= 0) {
      name = head.substring(0, at);
      view = head.substring(at + 1);
    }
    return switch (name) {
      case "default_generator_state" -> new Generator().getState();
      case "state" -> g.getState();
      case "rand" -> Distributions.uniform(empty(DType.FLOAT32, shape(a[0]), view), 0, 1, g);
      case "randn" -> Distributions.normal(empty(DType.FLOAT32, shape(a[0]), view), 0, 1, g);
      case "uniform" -> Distributions.uniform(empty(DType.FLOAT32, shape(a[2]), view), d(a[0]), d(a[1]), g);
      case "normal" -> Distributions.normal(empty(DType.FLOAT32, shape(a[2]), view), d(a[0]), d(a[1]), g);
      case "randint" -> Distributions.randint(empty(DType.INT64, shape(a[2]), view), l(a[0]), l(a[1]), g);
      case "randint_f32" -> Distributions.randint(empty(DType.FLOAT32, shape(a[2]), view), l(a[0]), l(a[1]), g);
      case "randint_bool" -> Distributions.randint(empty(DType.BOOL, shape(a[2]), view), l(a[0]), l(a[1]), g);
      case "randperm" -> Distributions.randperm(Integer.parseInt(a[0]), g);
      case "bernoulli_tensor" ->
          Distributions.bernoulli(NDArray.full(DType.FLOAT32, d(a[0]), shape(a[1])), g);
      case "bernoulli_rand_p" -> {
        NDArray p = Distributions.rand(g, shape(a[0]));
        yield Distributions.bernoulli(NDArray.empty(DType.FLOAT32, shape(a[1])), p, g);
      }
      case "bernoulli_scalar" -> Distributions.bernoulli(empty(DType.FLOAT32, shape(a[1]), view), d(a[0]), g);
      case "dropout" -> Distributions.dropoutNoise(NDArray.empty(DType.FLOAT32, shape(a[1])), d(a[0]), g);
      case "kaiming_uniform" -> kaimingUniform(NDArray.empty(DType.FLOAT32, shape(a[0])), d(a[1]), g);
      case "linear" -> layer(g, new int[]{Integer.parseInt(a[1]), Integer.parseInt(a[0])});
      case "conv2d" -> {
        int k = Integer.parseInt(a[2]);
        yield layer(g, new int[]{Integer.parseInt(a[1]), Integer.parseInt(a[0]), k, k});
      }
      default -> throw new IllegalArgumentException("unknown golden op " + text);
    };
  }

  /** torch.nn.init.kaiming_uniform_(w, a) with mode fan_in, leaky_relu, as torch/nn/init.py computes it. */
  static NDArray kaimingUniform(NDArray w, double a, Generator g) {
    double gain = Math.sqrt(2.0 / (1 + a * a));
    double std = gain / Math.sqrt(fanIn(w.shape()));
    double bound = Math.sqrt(3.0) * std;
    return Distributions.uniform(w, -bound, bound, g);
  }

  private static int fanIn(int[] shape) {
    int receptive = 1;
    for (int i = 2; i < shape.length; i++) receptive *= shape[i];
    return shape[1] * receptive;
  }

  /** nn.Linear / nn.Conv2d reset_parameters(): kaiming_uniform_(weight, sqrt(5)), bias U(-1/sqrt(fan_in), ..). */
  private static NDArray layer(Generator g, int[] weightShape) {
    NDArray w = kaimingUniform(NDArray.empty(DType.FLOAT32, weightShape), Math.sqrt(5), g);
    double bound = 1 / Math.sqrt(fanIn(weightShape));
    NDArray bias = Distributions.uniform(NDArray.empty(DType.FLOAT32, weightShape[0]), -bound, bound, g);
    float[] wf = w.toFloatArray(), bf = bias.toFloatArray();
    float[] all = Arrays.copyOf(wf, wf.length + bf.length);
    System.arraycopy(bf, 0, all, wf.length, bf.length);
    return NDArray.wrap(all, all.length);
  }

  /** An uninitialised array of this shape, or the non-contiguous view rng.py's empty_view() names. */
  private static NDArray empty(DType dt, int[] shape, String view) {
    if (view == null) return NDArray.empty(dt, shape);
    switch (view) {
      case "t" -> {
        NDArray base = NDArray.empty(dt, shape[1], shape[0]);
        return base.view(shape.clone(), new int[]{1, shape[0]}, 0);
      }
      case "s" -> {
        int[] bs = shape.clone();
        bs[bs.length - 1] *= 2;
        NDArray base = NDArray.empty(dt, bs);
        int[] st = Shapes.contiguousStrides(bs);
        st[st.length - 1] = 2;
        return base.view(shape.clone(), st, 0);
      }
      case "p" -> {
        NDArray base = NDArray.empty(dt, shape[2], shape[0], shape[1]);
        return base.view(shape.clone(), new int[]{shape[1], 1, shape[0] * shape[1]}, 0);
      }
      default -> throw new IllegalArgumentException("unknown view " + view);
    }
  }

  private static int[] shape(String s) {
    if (s.equals("-")) return new int[0];
    return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static double d(String s) { return Double.parseDouble(s); }

  private static long l(String s) { return Long.parseLong(s); }

  // ---- comparison ----

  private static void check(String where, String expected, Object result) {
    String[] e = expected.split(" ");
    String kind = e[0];
    switch (kind) {
      case "u8" -> {
        byte[] got = (byte[]) result;
        byte[] want = HexFormat.of().parseHex(e[1]);
        assertEquals(want.length, got.length, where + ": state size");
        for (int i = 0; i < want.length; i++)
          if (want[i] != got[i]) fail(where + ": state byte " + i + " is " + got[i] + ", PyTorch has " + want[i]);
      }
      case "fnv8" -> {
        byte[] got = (byte[]) result;
        assertEquals(Integer.parseInt(e[1]), got.length, where + ": state size");
        long h = FNV_OFFSET;
        for (byte v : got) h = fnvByte(h, v);
        assertEquals(e[2], String.format("%016x", h), where + ": state digest");
      }
      case "f32" -> {
        float[] got = floats(where, result);
        assertEquals(e.length - 1, got.length, where + ": numel");
        for (int i = 0; i < got.length; i++) {
          int want = Integer.parseUnsignedInt(e[i + 1], 16);
          int have = Float.floatToRawIntBits(got[i]);
          if (want != have)
            fail(where + ": element " + i + " is " + got[i] + " (0x" + Integer.toHexString(have) + "), PyTorch has "
                + Float.intBitsToFloat(want) + " (0x" + e[i + 1] + ")");
        }
      }
      case "fnv32" -> {
        float[] got = floats(where, result);
        assertEquals(Integer.parseInt(e[1]), got.length, where + ": numel");
        long h = FNV_OFFSET;
        for (float f : got) {
          int w = Float.floatToRawIntBits(f);
          for (int k = 0; k < 4; k++) h = fnvByte(h, (byte) (w >>> (8 * k)));
        }
        assertEquals(e[2], String.format("%016x", h), where + ": digest of the float32 bit patterns");
      }
      case "i64" -> {
        long[] got = longs(where, result);
        assertEquals(e.length - 1, got.length, where + ": numel");
        for (int i = 0; i < got.length; i++)
          if (Long.parseLong(e[i + 1]) != got[i]) fail(where + ": element " + i + " is " + got[i] + ", PyTorch has " + e[i + 1]);
      }
      case "fnv64" -> {
        long[] got = longs(where, result);
        assertEquals(Integer.parseInt(e[1]), got.length, where + ": numel");
        long h = FNV_OFFSET;
        for (long v : got) for (int k = 0; k < 8; k++) h = fnvByte(h, (byte) (v >>> (8 * k)));
        assertEquals(e[2], String.format("%016x", h), where + ": digest of the int64 values");
      }
      case "bool" -> {
        NDArray a = (NDArray) result;
        assertEquals(DType.BOOL, a.dtype(), where);
        boolean[] got = a.toBoolArray();
        String want = e.length > 1 ? e[1] : "";
        assertEquals(want.length(), got.length, where + ": numel");
        for (int i = 0; i < got.length; i++)
          if ((want.charAt(i) == '1') != got[i]) fail(where + ": element " + i + " is " + got[i]);
      }
      default -> throw new IllegalArgumentException(where + ": unknown result kind " + kind);
    }
  }

  private static float[] floats(String where, Object result) {
    NDArray a = (NDArray) result;
    assertEquals(DType.FLOAT32, a.dtype(), where + ": dtype");
    return a.toFloatArray(); // logical row-major order, also for views
  }

  private static long[] longs(String where, Object result) {
    NDArray a = (NDArray) result;
    assertEquals(DType.INT64, a.dtype(), where + ": dtype");
    return a.toLongArray();
  }

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private static long fnvByte(long h, byte b) { return (h ^ (b & 0xff)) * FNV_PRIME; }
}
