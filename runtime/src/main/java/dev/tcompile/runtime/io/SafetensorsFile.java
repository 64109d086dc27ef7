package dev.tcompile.runtime.io;

import dev.tcompile.DType;
import dev.tcompile.TorchException;
import dev.tcompile.runtime.NDArray;
import dev.tcompile.runtime.Shapes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON ({@code name: {dtype,
 * shape, data_offsets: [begin, end]}} and an optional {@code __metadata__} object of strings), then the raw
 * little-endian data, offsets relative to its start. Reads F32, F16 and BF16 (as float32), F64, I64, I32, I16,
 * I8 and U8 (as int64) and BOOL; writes F32, F64, I64 and BOOL. Every structural problem is a
 * {@link TorchException} naming it and its byte position.
 */
public final class SafetensorsFile {
  private SafetensorsFile() {}

  /** A file's tensors in the order of their data, and its metadata (empty when absent). */
  public record Contents(Map<String, NDArray> tensors, Map<String, String> metadata) {}

  private static final long MAX_HEADER = 100L << 20;

  private record Spec(String name, String dtype, int[] shape, long begin, long end) {}


  /**
   * The file's bytes, read where needed: the header first, then each tensor's range once the header's sizes are
   * checked against the file's length, so neither a lying header nor a file over 2 GiB needs one big array.
   */
  private interface Bytes {
    long size() throws IOException;
    /** {@code len} bytes from {@code pos}, little-endian. */
    ByteBuffer read(long pos, int len) throws IOException;
  }

  private record ArrayBytes(byte[] a) implements Bytes {
    public long size() { return a.length; }
    public ByteBuffer read(long pos, int len) { return ByteBuffer.wrap(a, (int) pos, len).slice().order(ByteOrder.LITTLE_ENDIAN); }
  }

  private record ChannelBytes(FileChannel ch) implements Bytes {
    public long size() throws IOException { return ch.size(); }
    public ByteBuffer read(long pos, int len) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(len);
      while (b.hasRemaining()) if (ch.read(b, pos + b.position()) < 0) throw new IOException("the file ended early (it changed while being read?)");
      return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  public static Contents read(Path path) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(new ChannelBytes(ch));
    } catch (IOException e) {
      throw new TorchException("safetensors: cannot read " + path + ": " + e, e);
    } catch (TorchException e) {
      throw new TorchException(e.getMessage().replaceFirst("^safetensors: ", "safetensors: " + path + ": "), e);
    }
  }

  public static Contents read(byte[] bytes) {
    try {
      return read(new ArrayBytes(bytes));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // reading an array does not fail
    }
  }

  private static Contents read(Bytes src) throws IOException {
    long size = src.size();
    if (size < 8) throw fail("the file is " + size + " bytes long, too short for the 8-byte header length");
    long n = src.read(0, 8).getLong();
    if (n < 2 || n > MAX_HEADER) throw fail("header length " + Long.toUnsignedString(n) + " (bytes 0-7) is not a plausible JSON size");
    if (8 + n > size) throw fail("header length " + n + " (bytes 0-7) runs past the end of the file (" + size + " bytes)");
    long dataStart = 8 + n;
    byte[] headerBytes = new byte[(int) n];
    src.read(8, (int) n).get(headerBytes);
    if (headerBytes[0] != '{') throw fail("the header at byte 8 must start with '{'");
    Object json;
    try {
      json = Json.parse(headerBytes, 0, headerBytes.length, 8);
    } catch (TorchException e) {
      throw fail("bad JSON header: " + e.getMessage());
    }
    if (!(json instanceof Map<?, ?> header)) throw fail("the header at byte 8 is not a JSON object");
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Spec> specs = new ArrayList<>();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals("__metadata__")) { readMetadata(e.getValue(), metadata); continue; }
      specs.add(spec(name, e.getValue()));
    }
    long dataLength = size - dataStart;
    checkLayout(specs, dataLength, dataStart); // sorts them into data order
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (Spec s : specs) tensors.put(s.name(), decode(s, src, dataStart + s.begin()));
    return new Contents(tensors, metadata);
  }

  private static TorchException fail(String what) { return new TorchException("safetensors: " + what); }

  private static void readMetadata(Object v, Map<String, String> out) {
    if (!(v instanceof Map<?, ?> m)) throw fail("__metadata__ must be an object of strings");
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) throw fail("__metadata__ value of \"" + e.getKey() + "\" is not a string");
      out.put((String) e.getKey(), s);
    }
  }

  private static Spec spec(String name, Object v) {
    if (!(v instanceof Map<?, ?> m)) throw fail("tensor '" + name + "' must be described by an object");
    for (Object k : m.keySet())
      if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets"))
        throw fail("tensor '" + name + "' has an unknown field \"" + k + "\"");
    if (!(m.get("dtype") instanceof String dtype)) throw fail("tensor '" + name + "' has no dtype string");
    if (itemSize(dtype) == 0) throw fail("tensor '" + name + "' has unknown dtype '" + dtype + "'");
    long[] shape = longs(name, "shape", m.get("shape"), -1);
    long[] offsets = longs(name, "data_offsets", m.get("data_offsets"), 2);
    int[] s = new int[shape.length];
    for (int i = 0; i < s.length; i++) {
      if (shape[i] > Integer.MAX_VALUE) throw fail("tensor '" + name + "' dimension " + i + " of size " + shape[i] + " is too large");
      s[i] = (int) shape[i];
    }
    return new Spec(name, dtype, s, offsets[0], offsets[1]);
  }

  private static long[] longs(String name, String field, Object v, int length) {
    if (!(v instanceof List<?> list)) throw fail("tensor '" + name + "' has no " + field + " list");
    if (length >= 0 && list.size() != length) throw fail("tensor '" + name + "' " + field + " must have " + length + " entries, got " + list.size());
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long l) || l < 0) throw fail("tensor '" + name + "' " + field + " must hold non-negative integers, got " + list);
      out[i] = l;
    }
    return out;
  }

  /** Each tensor's byte range must fit its shape, lie inside the data section, and not overlap another's. */
  private static void checkLayout(List<Spec> specs, long dataLength, long dataStart) {
    for (Spec s : specs) {
      if (s.begin() > s.end())
        throw fail("tensor '" + s.name() + "' data_offsets [" + s.begin() + ", " + s.end() + "] end before they begin");
      if (s.end() > dataLength)
        throw fail("tensor '" + s.name() + "' data_offsets [" + s.begin() + ", " + s.end() + "] run past the data section, which holds "
            + dataLength + " bytes (file bytes " + dataStart + "-" + (dataStart + dataLength) + ")");
      long need;
      try {
        need = Math.multiplyExact((long) Shapes.numelInt(s.shape()), itemSize(s.dtype()));
      } catch (TorchException | ArithmeticException e) {
        throw fail("tensor '" + s.name() + "': " + e.getMessage());
      }
      if (need != s.end() - s.begin())
        throw fail("tensor '" + s.name() + "' of dtype " + s.dtype() + " and shape " + Shapes.str(s.shape()) + " needs " + need
            + " bytes, but data_offsets [" + s.begin() + ", " + s.end() + "] span " + (s.end() - s.begin()));
    }
    specs.sort(Comparator.comparingLong(Spec::begin).thenComparingLong(Spec::end));
    for (int i = 1; i < specs.size(); i++) {
      Spec a = specs.get(i - 1), b = specs.get(i);
      if (b.begin() < a.end())
        throw fail("tensor '" + b.name() + "' data_offsets [" + b.begin() + ", " + b.end() + "] overlap tensor '" + a.name() + "' ["
            + a.begin() + ", " + a.end() + "] (file byte " + (dataStart + b.begin()) + ")");
    }
  }

  private static int itemSize(String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "F16", "BF16", "I16" -> 2;
      case "I8", "U8", "BOOL" -> 1;
      default -> 0;
    };
  }

  /** Elements decoded per read: bounded, so a multi-GiB tensor is read in slices. */
  private static final int CHUNK_BYTES = 1 << 26;

  private static NDArray decode(Spec s, Bytes src, long at) throws IOException {
    int n = Shapes.numelInt(s.shape()), item = itemSize(s.dtype());
    Object out = switch (s.dtype()) {
      case "BOOL" -> new boolean[n];
      case "I64", "I32", "I16", "I8", "U8" -> new long[n];
      case "F64" -> new double[n];
      default -> new float[n];
    };
    int perChunk = CHUNK_BYTES / item;
    for (int from = 0; from < n; from += perChunk) {
      int count = Math.min(perChunk, n - from);
      ByteBuffer b = src.read(at + (long) from * item, count * item);
      decode(s, b, out, from, count);
    }
    return switch (out) {
      case boolean[] v -> NDArray.wrap(v, s.shape());
      case long[] v -> NDArray.wrap(v, s.shape());
      case float[] v -> NDArray.wrap(v, s.shape());
      case double[] v -> NDArray.wrap(v, s.shape());
      default -> throw new IllegalStateException();
    };
  }

  private static void decode(Spec s, ByteBuffer b, Object out, int from, int count) {
    switch (out) {
      case boolean[] v -> {
        for (int i = from; i < from + count; i++) {
          byte x = b.get();
          if (x != 0 && x != 1) throw fail("tensor '" + s.name() + "' BOOL element " + i + " is " + x + ", not 0 or 1");
          v[i] = x == 1;
        }
      }
      case long[] v -> {
        for (int i = from; i < from + count; i++)
          v[i] = switch (s.dtype()) {
            case "I64" -> b.getLong();
            case "I32" -> b.getInt();
            case "I16" -> b.getShort();
            case "I8" -> b.get();
            default -> b.get() & 0xff;
          };
      }
      case float[] v -> {
        for (int i = from; i < from + count; i++)
          v[i] = switch (s.dtype()) {
            case "F32" -> b.getFloat();
            case "F16" -> Float.float16ToFloat(b.getShort());
            default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
          };
      }
      case double[] v -> {
        for (int i = from; i < from + count; i++) v[i] = b.getDouble();
      }
      default -> throw new IllegalStateException();
    }
  }

  /** Writes the tensors (any layout; stored dense, in map order) with optional string metadata. */
  public static void write(Map<String, NDArray> tensors, Map<String, String> metadata, Path path) {
    StringBuilder header = new StringBuilder("{");
    if (metadata != null && !metadata.isEmpty()) {
      header.append("\"__metadata__\":{");
      int i = 0;
      for (Map.Entry<String, String> e : metadata.entrySet())
        header.append(i++ > 0 ? "," : "").append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
      header.append('}');
    }
    long offset = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      if (e.getKey().equals("__metadata__")) throw fail("a tensor cannot be named __metadata__");
      NDArray a = e.getValue();
      long size = (long) a.numel() * a.dtype().itemSize();
      if (header.length() > 1) header.append(',');
      header.append(Json.quote(e.getKey())).append(":{\"dtype\":\"").append(dtypeName(a.dtype())).append("\",\"shape\":[");
      for (int d = 0; d < a.dim(); d++) header.append(d > 0 ? "," : "").append(a.size(d));
      header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + size).append("]}");
      offset += size;
    }
    header.append('}');
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    long total = offset;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(h);
    while (head.hasRemaining()) head.put((byte) ' ');
    try {
      // Streamed tensor by tensor, in bounded chunks: files over 2 GiB need no single array.
      AtomicFiles.write(path, out -> {
        out.write(head.array());
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(8, total))).order(ByteOrder.LITTLE_ENDIAN);
        for (NDArray a : tensors.values()) encode(a, chunk, out);
        if (chunk.position() > 0) out.write(chunk.array(), 0, chunk.position());
      });
    } catch (IOException e) {
      throw new TorchException("safetensors: cannot write " + path + ": " + e, e);
    }
  }

  private static String dtypeName(DType d) {
    return switch (d) { case FLOAT32 -> "F32"; case FLOAT64 -> "F64"; case INT64 -> "I64"; case BOOL -> "BOOL"; };
  }

  /** Appends {@code a}'s bytes to {@code chunk}, flushing it to {@code out} whenever it fills. */
  private static void encode(NDArray a, ByteBuffer chunk, java.io.OutputStream out) throws IOException {
    NDArray d = a.dense();
    int n = d.numel(), item = a.dtype().itemSize();
    for (int i = 0; i < n; i++) {
      if (chunk.remaining() < item) {
        out.write(chunk.array(), 0, chunk.position());
        chunk.clear();
      }
      switch (a.dtype()) {
        case FLOAT32 -> chunk.putFloat(d.floats()[i]);
        case FLOAT64 -> chunk.putDouble(d.doubles()[i]);
        case INT64 -> chunk.putLong(d.longs()[i]);
        case BOOL -> chunk.put((byte) (d.bools()[i] ? 1 : 0));
      }
    }
  }

}
