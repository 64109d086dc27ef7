package dev.tcompile.runtime.random;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;

/**
 * PyTorch 1.13's CPU random kernels over {@link NDArray}s, consuming a {@link Generator} exactly as
 * {@code aten/src/ATen/native/cpu/DistributionTemplates.h} (AVX2 build) and {@code randperm_cpu} do: same
 * number of draws per element, same order of elements, same float arithmetic (fused multiply-adds where the
 * AVX2 build fuses them). Each fill holds the generator's mutex from its first draw to its last.
 *
 * <p>Element order: a contiguous output is filled in storage order; any other output in the order PyTorch's
 * TensorIterator visits it (dims sorted by stride, see {@link IterOrder}), so strided and permuted views get
 * PyTorch's numbers too. Fills return {@code out}.
 */
public final class Distributions {
  private Distributions() {}

  private static Generator gen(Generator g) { return g != null ? g : Generator.defaultGenerator(); }

  /** Storage offsets in visiting order, or null when out is contiguous (visit offset + i). */
  private static int[] order(NDArray out) {
    if (out.isContiguous()) return null;
    IterOrder.checkNoInternalOverlap(out);
    return IterOrder.offsets(out.shape(), new int[][]{out.strides()}, new int[]{out.offset()})[0];
  }

  private static String legacy(DType t) { return t.legacyName(); }

  // ================================================ uniform ================================================

  /**
   * {@code out.uniform_(from, to)} ({@code torch.rand} is {@code uniform_(0, 1)}): per element one 32-bit
   * draw, {@code x = (bits & 0xFFFFFF) * 2^-24f}, value {@code fma(x, (float)to - (float)from, (float)from)}.
   */
  public static NDArray uniform(NDArray out, double from, double to, Generator generator) {
    if (DoubleDistributions.handles(out)) return DoubleDistributions.uniform(out, from, to, gen(generator));
    if (out.dtype() != DType.FLOAT32)
      throw new TorchException("\"uniform_kernel_cpu\" not implemented for '" + legacy(out.dtype()) + "'");
    double max = Float.MAX_VALUE;
    if (from < -max || from > max)
      throw new TorchException("from is out of bounds for float");
    if (to < -max || to > max)
      throw new TorchException("to is out of bounds for float");
    if (!(from <= to))
      throw new TorchException("uniform_ expects to return a [from, to) range, but found from=" + fmt(from) + " > to=" + fmt(to));
    if (!(to - from <= max))
      throw new TorchException("uniform_ expects to-from <= std::numeric_limits<float>::max(), but found to=" + fmt(to)
          + " and from=" + fmt(from) + " which result in to-from to exceed the limit");
    Generator g = gen(generator);
    int n = out.numel();
    if (n == 0) return out;
    float f = (float) from, range = (float) to - f;
    float[] d = out.floats();
    int[] ord = order(out);
    int base = out.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) {
        float x = g.nextFloat01();
        d[ord == null ? base + i : ord[i]] = Math.fma(x, range, f);
      }
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  public static NDArray uniform(NDArray out, double from, double to) { return uniform(out, from, to, null); }

  /** {@code torch.rand(shape, generator=g)}: a new float32 array filled by {@code uniform_(0, 1)}. */
  public static NDArray rand(Generator generator, int... shape) {
    return uniform(NDArray.empty(DType.FLOAT32, shape), 0, 1, generator);
  }

  public static NDArray rand(int... shape) { return rand(null, shape); }

  // ================================================ normal =================================================

  /**
   * {@code out.normal_(mean, std)} ({@code torch.randn} is {@code normal_(0, 1)}). Two paths, as in PyTorch:
   * <ul>
   *   <li>contiguous with at least 16 elements: {@code normal_fill_AVX2}: first one 24-bit uniform per element
   *       (in order), then Box-Muller in float over chunks of 16 (lanes j and j+8 pair up); when the size is
   *       not a multiple of 16, 16 fresh uniforms overwrite the last 16 elements, which are transformed again.
   *       The generator's normal cache is neither read nor written.</li>
   *   <li>otherwise: per element the scalar {@code normal_distribution<double>}: Box-Muller in double from two
   *       53-bit uniforms, returning the cosine sample and caching the sine sample in the generator; the next
   *       draw (in this op or a later one) takes the cache. Value {@code (float) fma(n, std, mean)}.</li>
   * </ul>
   */
  public static NDArray normal(NDArray out, double mean, double std, Generator generator) {
    if (!(std >= 0.0)) throw new TorchException("normal expects std >= 0.0, but found std " + fmt(std));
    if (DoubleDistributions.handles(out)) return DoubleDistributions.normal(out, mean, std, gen(generator));
    if (out.dtype() != DType.FLOAT32)
      throw new TorchException("\"normal_kernel_cpu\" not implemented for '" + legacy(out.dtype()) + "'");
    Generator g = gen(generator);
    int n = out.numel();
    if (n == 0) return out;
    float[] d = out.floats();
    if (n >= 16 && out.isContiguous()) {
      normalFillAvx2(d, out.offset(), n, (float) mean, (float) std, g);
      return out;
    }
    int[] ord = order(out);
    int base = out.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) d[ord == null ? base + i : ord[i]] = (float) normalDouble(g, mean, std);
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  public static NDArray normal(NDArray out, double mean, double std) { return normal(out, mean, std, null); }

  /** {@code torch.randn(shape, generator=g)}. */
  public static NDArray randn(Generator generator, int... shape) {
    return normal(NDArray.empty(DType.FLOAT32, shape), 0, 1, generator);
  }

  public static NDArray randn(int... shape) { return randn(null, shape); }

  private static void normalFillAvx2(float[] d, int off, int n, float mean, float std, Generator g) {
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) d[off + i] = g.nextFloat01();
      for (int i = 0; i < n - 15; i += 16) BoxMullerAvx2.fill16(d, off + i, mean, std);
      if (n % 16 != 0) {
        int tail = off + n - 16;
        for (int i = 0; i < 16; i++) d[tail + i] = g.nextFloat01();
        BoxMullerAvx2.fill16(d, tail, mean, std);
      }
    } finally {
      g.mutex().unlock();
    }
  }

  /**
   * One sample of {@code at::normal_distribution<double>(mean, std)}; the caller holds the mutex.
   *
   * <p>PyTorch calls glibc's {@code log} and {@code sincos} here; this uses {@link StrictMath} (fdlibm). Both
   * are within 1 ulp of the true double, so they can differ in the last bit of a double, which changes the
   * float32 result only if that double lies within one double ulp of a float rounding boundary.
   */
  static double normalDouble(Generator g, double mean, double std) {
    if (g.hasNextDoubleNormal()) return Math.fma(g.takeNextDoubleNormal(), std, mean);
    double u1 = g.nextDouble01();
    double u2 = g.nextDouble01();
    double r = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
    double theta = 2.0 * Math.PI * u1;
    g.setNextDoubleNormal(r * StrictMath.sin(theta));
    double ret = r * StrictMath.cos(theta);
    return Math.fma(ret, std, mean);
  }

  // ================================================ randint ================================================

  /**
   * {@code out.random_(low, high)} ({@code torch.randint(low, high, shape)}): per element one 32-bit draw, or
   * one 64-bit draw when {@code high - low >= 2^32} and out is int64 or float32; value
   * {@code low + draw % (high - low)} (unsigned modulo, as PyTorch). out may be INT64, FLOAT32 or BOOL.
   */
  public static NDArray randint(NDArray out, long low, long high, Generator generator) {
    if (low >= high)
      throw new TorchException("random_ expects 'from' to be less than 'to', but got from=" + low + " >= to=" + high);
    long toInc = high - 1;
    if (out.dtype() == DType.BOOL && (low < 0 || low > 1 || toInc < 0 || toInc > 1))
      throw new TorchException((low < 0 || low > 1 ? "from" : "to - 1") + " is out of bounds for bool");
    Generator g = gen(generator);
    int n = out.numel();
    if (n == 0) return out;
    long range = high - low; // as uint64
    boolean wide = out.dtype() != DType.BOOL && Long.compareUnsigned(range, 1L << 32) >= 0;
    int[] ord = order(out);
    int base = out.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) {
        long v = wide ? g.next64() : Integer.toUnsignedLong(g.next32());
        long r = Long.remainderUnsigned(v, range) + low;
        int at = ord == null ? base + i : ord[i];
        switch (out.dtype()) {
          case INT64 -> out.longs()[at] = r;
          case FLOAT32 -> out.floats()[at] = (float) r;
          case FLOAT64 -> out.doubles()[at] = r;
          case BOOL -> out.bools()[at] = r != 0;
        }
      }
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  public static NDArray randint(NDArray out, long low, long high) { return randint(out, low, high, null); }

  /** {@code torch.randint(low, high, shape, generator=g)}: a new int64 array. */
  public static NDArray randint(long low, long high, Generator generator, int... shape) {
    return randint(NDArray.empty(DType.INT64, shape), low, high, generator);
  }

  public static NDArray randint(long low, long high, int... shape) { return randint(low, high, null, shape); }

  // ================================================ randperm ===============================================

  /**
   * {@code torch.randperm(n, generator=g)} (int64), as 1.13's {@code randperm_cpu} for every n: start from
   * 0..n-1, then for i in [0, n-1) swap element i with element {@code i + random() % (n - i)} (one 32-bit
   * draw each). PyTorch 2.x switches to an inside-out shuffle with {@code random64()} for
   * {@code n >= 2^32/20}; 1.13 does not (checked against 1.13 at n = 214748364).
   */
  public static NDArray randperm(int n, Generator generator) {
    if (n < 0) throw new TorchException("n must be non-negative, got" + n);
    Generator g = gen(generator);
    long[] r = new long[n];
    for (int i = 0; i < n; i++) r[i] = i;
    g.mutex().lock();
    try {
      for (int i = 0; i < n - 1; i++) {
        int j = i + (int) (Integer.toUnsignedLong(g.next32()) % (n - i));
        long save = r[i];
        r[i] = r[j];
        r[j] = save;
      }
    } finally {
      g.mutex().unlock();
    }
    return NDArray.wrap(r, n);
  }

  public static NDArray randperm(int n) { return randperm(n, null); }

  // ================================================ bernoulli ==============================================

  /**
   * {@code out.bernoulli_(p)} with a scalar p (the path of {@code torch.bernoulli(x, p=...)} and of
   * {@code F.dropout}'s noise): per element one 53-bit double uniform u, value {@code u < p}. out may be
   * FLOAT32, INT64 or BOOL.
   */
  public static NDArray bernoulli(NDArray out, double p, Generator generator) {
    if (!(0 <= p && p <= 1)) throw new TorchException("bernoulli_ expects p to be in [0, 1], but got p=" + fmt(p));
    Generator g = gen(generator);
    int n = out.numel();
    if (n == 0) return out;
    int[] ord = order(out);
    int base = out.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) write(out, ord == null ? base + i : ord[i], g.nextDouble01() < p);
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  public static NDArray bernoulli(NDArray out, double p) { return bernoulli(out, p, null); }

  /**
   * {@code out.bernoulli_(p)} with a float32 probability tensor p, broadcast to out's shape (the path of
   * {@code torch.bernoulli(p)}): per element one 24-bit float uniform u, value {@code u < p[i]} in float.
   * The order is TensorIterator's over (out, p).
   */
  public static NDArray bernoulli(NDArray out, NDArray p, Generator generator) {
    if (p.dtype() != DType.FLOAT32)
      throw new TorchException("\"bernoulli_tensor_cpu_p_\" not implemented for '" + legacy(p.dtype()) + "'");
    int[] shape = out.shape();
    int[] ps = Shapes.broadcastStrides(p.shape(), p.strides(), shape);
    Generator g = gen(generator);
    int n = out.numel();
    if (n == 0) return out;
    float[] pd = p.floats();
    int[] oOrd, pOrd;
    if (out.isContiguous() && p.isContiguous() && java.util.Arrays.equals(p.shape(), shape)) {
      oOrd = null;
      pOrd = null;
    } else {
      IterOrder.checkNoInternalOverlap(out);
      int[][] offs = IterOrder.offsets(shape, new int[][]{out.strides(), ps}, new int[]{out.offset(), p.offset()});
      oOrd = offs[0];
      pOrd = offs[1];
    }
    int ob = out.offset(), pb = p.offset();
    g.mutex().lock();
    try {
      for (int i = 0; i < n; i++) {
        float pv = pd[pOrd == null ? pb + i : pOrd[i]];
        if (!(pv >= 0 && pv <= 1)) throw new TorchException("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
            + "(Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
        write(out, oOrd == null ? ob + i : oOrd[i], g.nextFloat01() < pv);
      }
    } finally {
      g.mutex().unlock();
    }
    return out;
  }

  /** {@code torch.bernoulli(p, generator=g)}: a new float32 array of p's shape. */
  public static NDArray bernoulli(NDArray p, Generator generator) {
    return bernoulli(NDArray.empty(DType.FLOAT32, p.shape()), p, generator);
  }

  public static NDArray bernoulli(NDArray p) { return bernoulli(p, (Generator) null); }

  /**
   * The noise {@code F.dropout(x, p, training=True)} multiplies x by (at::_dropout_impl, non-feature):
   * {@code bernoulli_(1 - p)} then {@code div_(1 - p)}, i.e. {@code 1f / (float)(1 - p)} where kept and 0
   * where dropped. For {@code p == 0} (all ones) and {@code p == 1} (all zeros) PyTorch draws nothing, and
   * neither does this. out must be FLOAT32.
   */
  public static NDArray dropoutNoise(NDArray out, double p, Generator generator) {
    if (!(p >= 0 && p <= 1)) throw new TorchException("dropout probability has to be between 0 and 1, but got " + fmt(p));
    if (out.dtype() != DType.FLOAT32) throw new TorchException("dropout noise must be float32, got " + out.dtype().torchName());
    if (p == 0) { out.fill(1); return out; }
    if (p == 1) { out.fill(0); return out; }
    double keep = 1 - p;
    bernoulli(out, keep, generator);
    float k = (float) keep; // div_ by a double scalar computes in the tensor's float
    int n = out.numel();
    float[] d = out.floats();
    for (int i = 0; i < n; i++) {
      int at = out.storageIndex(i);
      d[at] = d[at] / k;
    }
    return out;
  }

  private static void write(NDArray out, int at, boolean v) {
    switch (out.dtype()) {
      case FLOAT32 -> out.floats()[at] = v ? 1f : 0f;
      case FLOAT64 -> out.doubles()[at] = v ? 1d : 0d;
      case INT64 -> out.longs()[at] = v ? 1L : 0L;
      case BOOL -> out.bools()[at] = v;
    }
  }

  /** Doubles as PyTorch prints them in messages: integral values without a fraction. */
  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
