package dev.tcompile.spark;

import dev.tcompile.DType;
import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float32 tensors as bytes, in map order: what the ring broadcasts at start (rank 0's parameters and
 * optimiser state) and what rank 0 sends back to the driver. Values travel bit for bit.
 */
final class TensorBlob {
  private TensorBlob() {}

  static byte[] encode(long step, Map<String, Tensor> tensors) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeLong(step);
      out.writeInt(tensors.size());
      for (var e : tensors.entrySet()) {
        Tensor t = e.getValue();
        if (t.dtype() != DType.FLOAT32)
          throw new TorchException("SparkTrainer: only float32 parameters and optimiser state can be shared between replicas, but '"
              + e.getKey() + "' is " + t.dtype());
        out.writeUTF(e.getKey());
        int[] shape = t.shapeArray();
        out.writeInt(shape.length);
        for (int d : shape) out.writeInt(d);
        float[] values = t.detach().contiguous().toFloatArray();
        byte[] raw = new byte[values.length * 4];
        ByteBuffer.wrap(raw).asFloatBuffer().put(values);
        out.write(raw);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long step(byte[] blob) { return ByteBuffer.wrap(blob).getLong(); }

  static Map<String, Tensor> decode(byte[] blob) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
      in.readLong();
      int count = in.readInt();
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int[] shape = new int[in.readInt()];
        int numel = 1;
        for (int d = 0; d < shape.length; d++) numel *= shape[d] = in.readInt();
        byte[] raw = new byte[numel * 4];
        in.readFully(raw);
        float[] values = new float[numel];
        ByteBuffer.wrap(raw).asFloatBuffer().get(values);
        out.put(name, Torch.fromArray(values, shape));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
