package dev.tcompile.determinism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.nn.F;
import dev.tcompile.nn.Parameter;
import dev.tcompile.optim.SGD;
import dev.tcompile.vision.models.MnistNet;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same thread count, same bits: a few SGD steps of the MNIST CNN (conv, pooling, ReLU, sgemm,
 * log-softmax, NLL, their backward passes, SGD with momentum) run in two fresh JVMs, one limited to C1 (where the
 * Vector API runs its per-lane Java fallback) and one with C2, and in each JVM once cold and once after warm-up.
 * Every run must end with bit-identical parameters: no kernel may depend on thread timing or on the JIT tier.
 */
class TrainingDeterminismTest {
  private static final int THREADS = 2, STEPS = 3, BATCH = 8, RUNS = 3;

  @Test void sameParametersInFreshJvmsOnEveryJitTier() throws Exception {
    List<String> c1 = child("-XX:TieredStopAtLevel=1");
    List<String> c2 = child("-XX:+TieredCompilation");
    assertEquals(RUNS, c1.size(), "C1 runs: " + c1);
    assertEquals(RUNS, c2.size(), "C2 runs: " + c2);
    for (int r = 0; r < RUNS; r++) {
      assertEquals(c1.get(0), c1.get(r), "C1 JVM, run " + r + " vs the cold run");
      assertEquals(c2.get(0), c2.get(r), "C2 JVM, run " + r + " vs the cold run");
    }
    assertEquals(c1.get(0), c2.get(0), "C1-only JVM vs default JVM");
  }

  /** Runs {@link Main} in a fresh JVM and returns the digest it prints for each run. */
  private static List<String> child(String jitFlag) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", jitFlag,
        "-Dtcompile.threads=" + THREADS, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child timed out");
    assertEquals(0, p.exitValue(), out);
    List<String> digests = new ArrayList<>();
    for (String line : out.split("\n")) if (line.startsWith("digest ")) digests.add(line.substring(7).trim());
    return digests;
  }

  /** Trains {@link #RUNS} times from seed 0 (warming the JIT up in between) and prints a digest of each result. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      for (int r = 0; r < RUNS; r++) {
        System.out.println("digest " + train());
        if (r == 0) for (int w = 0; w < 4; w++) train(); // let C2 (where enabled) compile the kernels
      }
    }

    static String train() throws Exception {
      Torch.manualSeed(0);
      MnistNet model = new MnistNet();
      SGD optimizer = new SGD(model.parameters(), 0.01, 0.5);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (int step = 0; step < STEPS; step++) {
        Tensor x = Torch.randn(BATCH, 1, 28, 28), y = Torch.randint(0, 10, BATCH);
        optimizer.zeroGrad();
        Tensor loss = F.nllLoss(model.forward(x), y);
        loss.backward();
        optimizer.step();
        update(md, Float.floatToRawIntBits(loss.item()));
      }
      for (Parameter p : model.parameters())
        for (float v : p.detach().contiguous().toFloatArray()) update(md, Float.floatToRawIntBits(v));
      return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, int bits) {
      md.update(new byte[]{(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
    }
  }
}
