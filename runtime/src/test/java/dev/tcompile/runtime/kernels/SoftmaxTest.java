package dev.tcompile.runtime.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.DType;
import dev.tcompile.runtime.NDArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** softmax / log_softmax forward and backward against double-precision references, every dim, edge lengths. */
class SoftmaxTest {

  private static double[] refForward(float[] x, int outer, int size, int inner, boolean log) {
    double[] o = new double[x.length];
    for (int p = 0; p < outer; p++) for (int q = 0; q < inner; q++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < size; i++) max = Math.max(max, x[(p * size + i) * inner + q]);
      double sum = 0;
      for (int i = 0; i < size; i++) sum += Math.exp(x[(p * size + i) * inner + q] - max);
      for (int i = 0; i < size; i++) {
        int k = (p * size + i) * inner + q;
        o[k] = log ? x[k] - max - Math.log(sum) : Math.exp(x[k] - max) / sum;
      }
    }
    return o;
  }

  @Test void forwardAndBackwardAllDims() {
    Random r = new Random(41);
    int[][] shapes = {{1}, {7}, {33}, {3, 1}, {4, 17}, {2, 3, 65}, {5, 129}, {2, 16, 3}, {1000}};
    for (int[] shape : shapes) {
      for (int dim = 0; dim < shape.length; dim++) {
        for (boolean log : new boolean[]{false, true}) {
          NDArray x = NDArray.empty(DType.FLOAT32, shape);
          for (int i = 0; i < x.numel(); i++) x.floats()[i] = (float) (r.nextGaussian() * 4);
          int outer = 1, inner = 1, size = shape[dim];
          for (int i = 0; i < dim; i++) outer *= shape[i];
          for (int i = dim + 1; i < shape.length; i++) inner *= shape[i];
          NDArray y = Softmax.forward(x, dim, log);
          double[] ref = refForward(x.floats(), outer, size, inner, log);
          String at = java.util.Arrays.toString(shape) + " dim " + dim + " log " + log;
          for (int i = 0; i < ref.length; i++)
            assertEquals(ref[i], y.floats()[i], 1e-6 * Math.max(1, Math.abs(ref[i])) + 4 * Math.ulp((float) ref[i]), at + " at " + i);
          // backward: compare with the Jacobian-vector product in double
          NDArray g = NDArray.empty(DType.FLOAT32, shape);
          for (int i = 0; i < g.numel(); i++) g.floats()[i] = (float) r.nextGaussian();
          NDArray gx = Softmax.backward(g, y, dim, log);
          for (int p = 0; p < outer; p++) for (int q = 0; q < inner; q++) {
            double dot = 0, gs = 0;
            for (int i = 0; i < size; i++) {
              int k = (p * size + i) * inner + q;
              double sm = log ? Math.exp(ref[k]) : ref[k];
              dot += g.floats()[k] * sm;
              gs += g.floats()[k];
            }
            for (int i = 0; i < size; i++) {
              int k = (p * size + i) * inner + q;
              double e = log ? g.floats()[k] - Math.exp(ref[k]) * gs : ref[k] * (g.floats()[k] - dot);
              double mag = Math.abs(g.floats()[k]) + (log ? Math.exp(ref[k]) : ref[k]) * (log ? Math.abs(gs) + size : Math.abs(dot) + size);
              assertEquals(e, gx.floats()[k], 1e-5 * mag + 1e-7, at + " backward at " + k);
            }
          }
        }
      }
    }
  }

  @Test void infinitiesAndNaN() {
    NDArray x = NDArray.wrap(new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 1f}, 2, 2);
    float[] y = Softmax.forward(x, 1, false).floats();
    assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]), "all -inf row gives NaN, as PyTorch");
    assertEquals(0.26894142f, y[2], 1e-7f);
    NDArray n = NDArray.wrap(new float[40], 40);
    n.floats()[37] = Float.NaN;
    for (float v : Softmax.forward(n, 0, true).floats()) assertTrue(Float.isNaN(v));
  }
}
