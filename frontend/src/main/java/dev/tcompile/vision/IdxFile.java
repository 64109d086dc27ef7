package dev.tcompile.vision;

import dev.tcompile.TorchException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads an IDX file of unsigned bytes (the MNIST format: magic {@code 00 00 08 nd}, nd big-endian int32
 * sizes, then the values), plain or gzip-compressed ({@code .gz}). Every defect is reported with the file
 * and the byte position (in the uncompressed data) where it was found.
 */
final class IdxFile {
  private IdxFile() {}

  /** The sizes from the header and the values, row-major. */
  record Contents(int[] dims, byte[] data) {
    int count() { return dims[0]; }
  }

  static Contents read(Path file, int expectedDims) {
    boolean gz = file.getFileName().toString().endsWith(".gz");
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      InputStream in = raw;
      if (gz) {
        try {
          in = new GZIPInputStream(raw, 1 << 16);
        } catch (ZipException | EOFException e) {
          throw new TorchException(file + ": not a gzip file (bad gzip header at byte 0 of the compressed file): " + e.getMessage());
        }
      }
      return parse(new Cursor(in, file, gz, gz ? -1 : Files.size(file)), expectedDims);
    } catch (IOException e) {
      throw new TorchException(file + ": cannot read: " + e, e);
    }
  }

  private static Contents parse(Cursor c, int expectedDims) throws IOException {
    int magic = c.int32("the magic number");
    int expected = 0x0800 | expectedDims;
    if (magic != expected) {
      String hint = (magic >>> 16) == 0x1f8b ? " (this is gzip data: give the file a .gz name)" : "";
      throw new TorchException(String.format("%s: bad IDX magic number 0x%08x at byte 0, expected 0x%08x"
          + " (unsigned bytes, %d dimensions)%s", c.file, magic, expected, expectedDims, hint));
    }
    int[] dims = new int[expectedDims];
    long total = 1;
    for (int d = 0; d < expectedDims; d++) {
      long at = c.pos;
      dims[d] = c.int32("size " + d + " of the header");
      if (dims[d] < 0) throw new TorchException(c.file + ": negative size " + dims[d] + " at byte " + at);
      total *= dims[d];
      if (total > Integer.MAX_VALUE - 8)
        throw new TorchException(c.file + ": the header announces " + total + " values, more than an array can hold");
    }
    long start = c.pos;
    if (c.length >= 0 && c.length - start < total) throw truncated(c, dims, start, c.length - start, total); // before allocating
    byte[] data = c.length >= 0 ? new byte[(int) total] : new byte[(int) Math.min(total, GROWTH)];
    int got = c.readFully(data);
    // Compressed data's length is unknown until read: grow with what actually arrives, not with what the header claims.
    while (got == data.length && data.length < total) {
      data = java.util.Arrays.copyOf(data, (int) Math.min(total, (long) data.length * 2));
      got += c.readFully(data, got);
    }
    if (got < total) throw truncated(c, dims, start, got, total);
    if (c.read() >= 0)
      throw new TorchException(c.file + ": unexpected data after byte " + (start + total) + ": the header (" + shapeText(dims)
          + ") announces " + total + " bytes of values");
    return new Contents(dims, data);
  }

  private static TorchException truncated(Cursor c, int[] dims, long start, long got, long total) {
    return new TorchException(c.file + ": data ends at byte " + (start + got) + " but the header (" + shapeText(dims)
        + ") announces " + total + " bytes of values, up to byte " + (start + total) + " (truncated or wrong count)");
  }

  private static String shapeText(int[] dims) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : " x ").append(dims[i]);
    return sb.toString();
  }

  /** The first allocation for compressed values; it doubles as data arrives. */
  private static final int GROWTH = 1 << 20;

  /** Reads while counting positions, turning gzip and end-of-file failures into positioned messages. */
  private static final class Cursor {
    final InputStream in;
    final Path file;
    final boolean gz;
    /** The file's length when it is not compressed, else -1. */
    final long length;
    long pos;

    Cursor(InputStream in, Path file, boolean gz, long length) { this.in = in; this.file = file; this.gz = gz; this.length = length; }

    int int32(String what) throws IOException {
      byte[] b = new byte[4];
      long at = pos;
      if (readFully(b) < 4)
        throw new TorchException(file + ": file ends at byte " + pos + " inside " + what + " (bytes " + at + ".." + (at + 3) + ")");
      return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Reads up to b.length bytes; fewer only at the end of the data. */
    int readFully(byte[] b) throws IOException { return readFully(b, 0); }

    /** Fills {@code b[from..]}; returns how many bytes it read (fewer only at the end of the data). */
    int readFully(byte[] b, int from) throws IOException {
      int n = from;
      while (n < b.length) {
        int r;
        try {
          r = in.read(b, n, b.length - n);
        } catch (EOFException | ZipException e) {
          throw gzipFailure(pos + n - from, e);
        }
        if (r < 0) break;
        n += r;
      }
      pos += n - from;
      return n - from;
    }

    int read() throws IOException {
      try {
        int r = in.read();
        if (r >= 0) pos++;
        return r;
      } catch (EOFException | ZipException e) {
        throw gzipFailure(pos, e);
      }
    }

    private TorchException gzipFailure(long at, IOException e) {
      String what = e instanceof EOFException ? "truncated gzip file" : "corrupt gzip data";
      return new TorchException(file + ": " + what + ": decompression failed at byte " + at
          + " of the uncompressed data (" + e.getMessage() + ")", e);
    }
  }
}
