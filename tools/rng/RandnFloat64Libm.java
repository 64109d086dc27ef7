import java.nio.*;
import java.nio.file.*;

/** Counts where Java's Math and StrictMath log/cos/sin differ from glibc's in PyTorch's float64 Box-Muller; see randn_float64_libm.py. */
public class RandnFloat64Libm {
  static double[] read(String dir, String name) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of(dir, name + ".bin"))).order(ByteOrder.LITTLE_ENDIAN);
    double[] d = new double[b.remaining() / 8];
    b.asDoubleBuffer().get(d);
    return d;
  }
  static long ulps(double x, double y) { return Math.abs(Double.doubleToLongBits(x) - Double.doubleToLongBits(y)); }

  public static void main(String[] a) throws Exception {
    double[] u = read(a[0], "u"), r = read(a[0], "randn"), lg = read(a[0], "log"), cs = read(a[0], "cos"), sn = read(a[0], "sin");
    int n = u.length;
    for (String impl : new String[]{"Math", "StrictMath"}) {
      boolean strict = impl.equals("StrictMath");
      int dLog = 0, dCos = 0, dSin = 0, dOut = 0, k = 0;
      long maxUlps = 0;
      for (int i = 0; i < n; i += 16)
        for (int j = 0; j < 8; j++, k++) {
          double u1 = 1 - u[i + j], u2 = u[i + j + 8];
          double l = strict ? StrictMath.log(u1) : Math.log(u1);
          double theta = 2.0 * Math.PI * u2;
          double c = strict ? StrictMath.cos(theta) : Math.cos(theta), s = strict ? StrictMath.sin(theta) : Math.sin(theta);
          if (l != lg[k]) dLog++;
          if (c != cs[k]) dCos++;
          if (s != sn[k]) dSin++;
          double radius = Math.sqrt(-2 * l);
          double x0 = Math.fma(radius * c, 1, 0), x1 = Math.fma(radius * s, 1, 0);
          if (x0 != r[i + j]) dOut++;
          if (x1 != r[i + j + 8]) dOut++;
          maxUlps = Math.max(maxUlps, Math.max(ulps(x0, r[i + j]), ulps(x1, r[i + j + 8])));
        }
      System.out.printf("%s: log differs %d/%d, cos %d/%d, sin %d/%d; randn elements differing %d/%d (%.4f%%), at most %d ulp%n",
          impl, dLog, k, dCos, k, dSin, k, dOut, n, 100.0 * dOut / n, maxUlps);
    }
  }
}
