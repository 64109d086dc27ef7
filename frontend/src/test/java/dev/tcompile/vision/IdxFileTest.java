package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import dev.tcompile.TorchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken IDX files fail with the file name and the byte position of the defect. */
class IdxFileTest {
  @TempDir Path dir;

  static byte[] idx(int magic, int[] dims, int dataBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeInt(out, magic);
    for (int d : dims) writeInt(out, d);
    for (int i = 0; i < dataBytes; i++) out.write(i * 7);
    return out.toByteArray();
  }

  static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24); out.write(v >>> 16); out.write(v >>> 8); out.write(v);
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) { gz.write(b); }
    return out.toByteArray();
  }

  Path write(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  String failure(Path p, int dims) {
    TorchException e = assertThrows(TorchException.class, () -> IdxFile.read(p, dims));
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
    return e.getMessage();
  }

  @Test void readsPlainAndGzipped() throws IOException {
    byte[] content = idx(0x803, new int[]{2, 3, 4}, 24);
    for (Path p : new Path[]{write("a-idx3-ubyte", content), write("a-idx3-ubyte.gz", gzip(content))}) {
      IdxFile.Contents c = IdxFile.read(p, 3);
      assertArrayEquals(new int[]{2, 3, 4}, c.dims());
      assertArrayEquals(Arrays.copyOfRange(content, 16, 40), c.data());
    }
  }

  @Test void wrongMagic() throws IOException {
    String m = failure(write("labels-idx1-ubyte", idx(0x803, new int[]{2, 3, 4}, 24)), 1);
    assertEquals("bad IDX magic number 0x00000803 at byte 0, expected 0x00000801 (unsigned bytes, 1 dimensions)",
        m.substring(m.indexOf(": ") + 2));
    m = failure(write("images-idx3-ubyte", gzip(idx(0x803, new int[]{1, 1, 1}, 1))), 3);
    assertTrue(m.contains("bad IDX magic number 0x1f8b0800 at byte 0") && m.contains("gzip"), m);
  }

  @Test void truncatedHeader() throws IOException {
    byte[] full = idx(0x803, new int[]{2, 3, 4}, 24);
    String m = failure(write("short-idx3-ubyte", Arrays.copyOf(full, 10)), 3);
    assertTrue(m.contains("file ends at byte 10 inside size 1 of the header (bytes 8..11)"), m);
  }

  @Test void truncatedData() throws IOException {
    byte[] full = idx(0x803, new int[]{2, 3, 4}, 24);
    String m = failure(write("cut-idx3-ubyte", Arrays.copyOf(full, 30)), 3);
    assertTrue(m.contains("data ends at byte 30 but the header (2 x 3 x 4) announces 24 bytes of values, up to byte 40"), m);
  }

  @Test void countLargerThanData() throws IOException {
    String m = failure(write("labels-idx1-ubyte.gz", gzip(idx(0x801, new int[]{60000}, 8000))), 1);
    assertTrue(m.contains("data ends at byte 8008 but the header (60000) announces 60000 bytes of values, up to byte 60008"), m);
  }

  @Test void trailingData() throws IOException {
    String m = failure(write("long-idx1-ubyte", idx(0x801, new int[]{5}, 6)), 1);
    assertTrue(m.contains("unexpected data after byte 13"), m);
  }

  @Test void truncatedGzip() throws IOException {
    byte[] gz = gzip(idx(0x803, new int[]{10, 28, 28}, 7840));
    String m = failure(write("cut-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2)), 3);
    assertTrue(m.contains("truncated gzip file: decompression failed at byte "), m);
    assertTrue(m.contains(" of the uncompressed data"), m);
  }

  @Test void notGzipAtAll() throws IOException {
    String m = failure(write("plain-idx3-ubyte.gz", idx(0x803, new int[]{1, 1, 1}, 1)), 3);
    assertTrue(m.contains("not a gzip file"), m);
  }

  @Test void imageAndLabelCountsMustAgree() throws IOException {
    Path raw = Files.createDirectories(dir.resolve("MNIST/raw"));
    Files.write(raw.resolve("t10k-images-idx3-ubyte"), idx(0x803, new int[]{3, 28, 28}, 3 * 784));
    Files.write(raw.resolve("t10k-labels-idx1-ubyte"), idx(0x801, new int[]{2}, 2));
    TorchException e = assertThrows(TorchException.class, () -> new MNIST(dir.toString(), false));
    assertEquals("MNIST t10k: the images file holds 3 images but the labels file 2 labels", e.getMessage());
  }
}
