package dev.tcompile.runtime.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Generator behaviour that needs no PyTorch goldens: engine known answers, state, locking, checks. */
class GeneratorTest {

  @Test
  void discardLandsWhereDrawingWould() {
    for (long n : new long[]{0, 1, 622, 623, 624, 625, 1247, 1248, 5000}) {
      for (int warm : new int[]{0, 1, 300, 623}) {
        Generator drawn = new Generator(17), skipped = new Generator(17);
        for (int i = 0; i < warm; i++) { drawn.random(); skipped.random(); }
        for (long i = 0; i < n; i++) drawn.random();
        skipped.discard(n);
        assertArrayEquals(drawn.getState(), skipped.getState(), "n=" + n + " warm=" + warm);
        assertEquals(drawn.random(), skipped.random());
      }
    }
  }

  @Test
  void engineStateRoundTripsAndRefusesBadInput() {
    Generator g = new Generator(3);
    for (int i = 0; i < 700; i++) g.random();
    Generator h = Generator.fromEngineState(g.engineState());
    for (int i = 0; i < 1000; i++) assertEquals(g.random(), h.random());
    assertThrows(TorchException.class, () -> Generator.fromEngineState(new long[3]));
    long[] bad = g.engineState();
    bad[1] = 0;
    assertEquals("Invalid mt19937 state", assertThrows(TorchException.class, () -> Generator.fromEngineState(bad)).getMessage());
  }

  @Test
  void engineMatchesTheStandardMt19937() {
    // C++ [rand.predef]: the 10000th output of a default-constructed std::mt19937 (seed 5489) is 4123659995
    MT19937 e = new MT19937(5489);
    int v = 0;
    for (int i = 0; i < 10000; i++) v = e.nextInt();
    assertEquals(4123659995L, Integer.toUnsignedLong(v));
  }

  @Test
  void onlyTheLow32BitsOfTheSeedReachTheEngine() {
    Generator a = new Generator((1L << 40) + 7), b = new Generator(7);
    for (int i = 0; i < 1000; i++) assertEquals(a.random(), b.random());
    assertEquals((1L << 40) + 7, a.initialSeed());
  }

  @Test
  void random64IsTwoDrawsHighHalfFirst() {
    Generator a = new Generator(3), b = new Generator(3);
    for (int i = 0; i < 100; i++) {
      long hi = b.random(), lo = b.random();
      assertEquals((hi << 32) | lo, a.random64());
    }
  }

  @Test
  void randomIsUnsigned32Bit() {
    Generator g = new Generator(9);
    for (int i = 0; i < 10000; i++) {
      long v = g.random();
      assertTrue(v >= 0 && v < (1L << 32));
    }
  }

  @Test
  void newGeneratorUsesPyTorchsDefaultSeed() {
    assertEquals(67280421310721L, new Generator().initialSeed());
    assertEquals(Generator.DEFAULT_RNG_SEED, new Generator().initialSeed());
  }

  @Test
  void defaultGeneratorIsOneInstanceAndSeedable() {
    Generator d = Generator.defaultGenerator();
    assertSame(d, Generator.defaultGenerator());
    Generator.Snapshot before = d.snapshot();
    try {
      d.manualSeed(42);
      float[] viaDefault = Distributions.rand(7).toFloatArray();
      float[] viaExplicit = Distributions.rand(new Generator().manualSeed(42), 7).toFloatArray();
      assertArrayEquals(viaExplicit, viaDefault);
    } finally {
      d.restore(before);
    }
  }

  @Test
  void seedIsNonDeterministicAndReturnsTheSeedItSet() {
    Generator g = new Generator();
    long s1 = g.seed();
    assertEquals(s1, g.initialSeed());
    long s2 = g.seed();
    assertNotEquals(s1, s2); // fails with probability 2^-64
  }

  @Test
  void manualSeedClearsTheNormalCache() {
    Generator g = new Generator(5);
    Distributions.randn(g, 1); // scalar path: caches the sine sample
    assertTrue(g.nextDoubleNormalSample() != null);
    g.manualSeed(5);
    assertNull(g.nextDoubleNormalSample());
    float first = Distributions.randn(g, 1).toFloatArray()[0];
    assertEquals(first, Distributions.randn(new Generator(5), 1).toFloatArray()[0]);
  }

  @Test
  void snapshotRestoreReplaysEveryDrawIncludingTheNormalCache() {
    Generator g = new Generator(11);
    Distributions.randn(g, 3); // leaves a cached sample
    Generator.Snapshot s = g.snapshot();
    float[] a = Distributions.randn(g, 5).toFloatArray();
    float[] b = Distributions.rand(g, 20).toFloatArray();
    long[] c = Distributions.randperm(50, g).toLongArray();
    g.restore(s);
    assertArrayEquals(a, Distributions.randn(g, 5).toFloatArray());
    assertArrayEquals(b, Distributions.rand(g, 20).toFloatArray());
    assertArrayEquals(c, Distributions.randperm(50, g).toLongArray());
  }

  @Test
  void stateBytesRoundTripIntoAnotherGenerator() {
    Generator g = new Generator(13);
    Distributions.randn(g, 1);
    Distributions.rand(g, 700); // crosses a state regeneration
    byte[] state = g.getState();
    assertEquals(Generator.STATE_SIZE, state.length);
    Generator h = new Generator(99);
    h.setState(state);
    assertArrayEquals(state, h.getState());
    assertEquals(13, h.initialSeed());
    assertArrayEquals(Distributions.randn(g, 9).toFloatArray(), Distributions.randn(h, 9).toFloatArray());
    Generator c = g.copy();
    assertArrayEquals(Distributions.randn(g, 33).toFloatArray(), Distributions.randn(c, 33).toFloatArray());
  }

  @Test
  void legacyStateLayoutIsAccepted() {
    Generator g = new Generator(17);
    Distributions.rand(g, 10);
    byte[] legacy = Arrays.copyOf(g.getState(), Generator.LEGACY_STATE_SIZE); // no normal sample pending
    Generator h = new Generator();
    h.setState(legacy);
    assertArrayEquals(Distributions.rand(g, 10).toFloatArray(), Distributions.rand(h, 10).toFloatArray());
  }

  @Test
  void badStatesAreRejected() {
    Generator g = new Generator();
    TorchException e = assertThrows(TorchException.class, () -> g.setState(new byte[100]));
    assertTrue(e.getMessage().contains("5056"), e.getMessage());
    byte[] s = g.getState();
    s[8] = 0; // left = 0
    s[9] = s[10] = s[11] = 0;
    assertThrows(TorchException.class, () -> g.setState(s));
  }

  @Test
  void eachFillHoldsTheLockForAllItsDraws() throws Exception {
    int threads = 8, per = 1000;
    float[] serial = Distributions.rand(new Generator(21), threads * per).toFloatArray();
    Generator shared = new Generator(21);
    float[][] outs = new float[threads][];
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int k = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return;
        }
        outs[k] = Distributions.rand(shared, per).toFloatArray();
      });
      ts.add(th);
      th.start();
    }
    start.countDown();
    for (Thread th : ts) th.join();
    // every thread got one whole, consecutive block of the serial sequence, and the blocks are all distinct
    boolean[] used = new boolean[threads];
    for (float[] out : outs) {
      int block = -1;
      for (int b = 0; b < threads; b++)
        if (Arrays.equals(out, Arrays.copyOfRange(serial, b * per, (b + 1) * per))) block = b;
      assertTrue(block >= 0, "a fill interleaved with another one");
      assertTrue(!used[block], "two fills got the same numbers");
      used[block] = true;
    }
  }

  @Test
  void argumentChecksFollowPyTorch() {
    Generator g = new Generator(1);
    NDArray f = NDArray.empty(DType.FLOAT32, 4);
    assertEquals("uniform_ expects to return a [from, to) range, but found from=2 > to=1",
        assertThrows(TorchException.class, () -> Distributions.uniform(f, 2, 1, g)).getMessage());
    assertEquals("normal expects std >= 0.0, but found std -1",
        assertThrows(TorchException.class, () -> Distributions.normal(f, 0, -1, g)).getMessage());
    assertEquals("random_ expects 'from' to be less than 'to', but got from=3 >= to=3",
        assertThrows(TorchException.class, () -> Distributions.randint(f, 3, 3, g)).getMessage());
    assertEquals("bernoulli_ expects p to be in [0, 1], but got p=1.5",
        assertThrows(TorchException.class, () -> Distributions.bernoulli(f, 1.5, g)).getMessage());
    assertEquals("\"uniform_kernel_cpu\" not implemented for 'Long'",
        assertThrows(TorchException.class, () -> Distributions.uniform(NDArray.empty(DType.INT64, 2), 0, 1, g)).getMessage());
    assertThrows(TorchException.class, () -> Distributions.randint(NDArray.empty(DType.BOOL, 2), 0, 3, g));
    assertThrows(TorchException.class, () -> Distributions.randperm(-1, g));
    NDArray expanded = NDArray.empty(DType.FLOAT32, 1).view(new int[]{3}, new int[]{0}, 0);
    assertThrows(TorchException.class, () -> Distributions.uniform(expanded, 0, 1, g));
  }

  @Test
  void dropoutNoiseAtZeroAndOneDrawsNothing() {
    Generator g = new Generator(8), ref = new Generator(8);
    assertArrayEquals(new float[]{1, 1, 1}, Distributions.dropoutNoise(NDArray.empty(DType.FLOAT32, 3), 0, g).toFloatArray());
    assertArrayEquals(new float[]{0, 0, 0}, Distributions.dropoutNoise(NDArray.empty(DType.FLOAT32, 3), 1, g).toFloatArray());
    assertEquals(ref.random(), g.random());
  }

  @Test
  void emptyOutputsDrawNothing() {
    Generator g = new Generator(8), ref = new Generator(8);
    Distributions.rand(g, 0, 3);
    Distributions.randn(g, 4, 0);
    Distributions.randperm(0, g);
    Distributions.randperm(1, g); // n - 1 = 0 swaps
    assertEquals(ref.random(), g.random());
  }
}
